"""``flask reindex``: rebuild the search indexes from the database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("reindex")
@click.option("--kind", type=click.Choice(["products", "companies", "all"]), default="all",
              show_default=True, help="Which index to rebuild.")
@with_appcontext
def reindex(kind: str) -> None:
    """Rebuild the search index from the database (published products of active
    companies; active companies). Searches keep answering from the old index until
    the new one is complete."""
    from marketplace.content import search

    for each in search.KINDS if kind == "all" else (kind,):
        size = search.rebuild_size(each)
        with click.progressbar(length=size, label=f"Indexing {each}",
                               show_pos=True) as bar:
            count = search.rebuild(each, progress=bar.update)
        click.echo(f"{each}: {count} indexed.")
