"""Landed migrations are history: the list of them with their SHA-256, and the check.

A database made by an earlier ``flask db upgrade`` records only the revision id it
reached. Edit a migration that already ran there and Alembic never runs the edit: that
database drifts from the models silently. So a migration that has landed on main is
never edited; a change is a new migration. ``migrations/landed.txt`` lists every landed
file with its SHA-256 (the format of ``sha256sum``, so ``cd migrations && sha256sum -c
landed.txt`` checks it too); tests/test_migrations.py fails when a listed file changed
or went away. ``flask db-manifest`` appends the files not yet listed (a new migration,
once it lands) and never rewrites a listed line.

Standard library only: the check runs without an app and imports no module.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import click

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
MANIFEST_NAME = "landed.txt"
HISTORY_MESSAGE = "a landed migration is history: add a new migration instead"
HEADER = (
    "# Landed migrations: never edit or delete a file listed here; a change is a new migration.\n"
    "# `flask --app marketplace db-manifest` appends new files (README, Development).\n"
    "# Format of sha256sum: `cd migrations && sha256sum -c landed.txt` checks it too.\n"
)


@dataclass(frozen=True)
class Breach:
    """A listed migration whose file changed or is gone."""

    name: str
    problem: str  # "changed" or "deleted"

    def __str__(self) -> str:
        return f"{self.name} {self.problem}: {HISTORY_MESSAGE}"


def file_digest(path: Path) -> str:
    # Line endings normalised, so a checkout that turns LF into CRLF is not a change.
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def migration_files(migrations_dir: Path = MIGRATIONS_DIR) -> dict[str, str]:
    """Every migration in ``versions/`` (relative name → digest); caches left out."""
    versions = migrations_dir / "versions"
    return {f"versions/{path.name}": file_digest(path)
            for path in sorted(versions.glob("*.py")) if path.is_file()}


def read_manifest(migrations_dir: Path = MIGRATIONS_DIR) -> dict[str, str]:
    path = migrations_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    listed: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        digest, name = line.split(maxsplit=1)
        listed[name.lstrip("*")] = digest  # sha256sum marks binary mode with '*'
    return listed


def breaches(migrations_dir: Path = MIGRATIONS_DIR) -> list[Breach]:
    """Listed files that changed or were deleted; a file not listed yet is no breach."""
    present = migration_files(migrations_dir)
    found = []
    for name, digest in read_manifest(migrations_dir).items():
        if name not in present:
            found.append(Breach(name, "deleted"))
        elif present[name] != digest:
            found.append(Breach(name, "changed"))
    return found


def unlisted(migrations_dir: Path = MIGRATIONS_DIR) -> list[str]:
    listed = read_manifest(migrations_dir)
    return [name for name in migration_files(migrations_dir) if name not in listed]


def append_new(migrations_dir: Path = MIGRATIONS_DIR) -> list[str]:
    """Append the files not listed yet; refuse while a listed one is breached.

    Appending (never rewriting) is what keeps history: a listed line cannot be
    refreshed to match an edited file by running this command.
    """
    found = breaches(migrations_dir)
    if found:
        raise click.ClickException("\n".join(str(b) for b in found))
    new = unlisted(migrations_dir)
    path = migrations_dir / MANIFEST_NAME
    digests = migration_files(migrations_dir)
    with path.open("a", encoding="utf-8", newline="\n") as manifest:
        if path.stat().st_size == 0:
            manifest.write(HEADER)
        for name in new:
            manifest.write(f"{digests[name]}  {name}\n")
    return new


@click.command("db-manifest")
@click.option("--check", is_flag=True,
              help="Only report changed, deleted and not yet listed migrations.")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path),
              default=MIGRATIONS_DIR, show_default=True, help="The migrations folder.")
def db_manifest(check: bool, directory: Path) -> None:
    """List new migrations in migrations/landed.txt, making them history."""
    if check:
        found = breaches(directory)
        for breach in found:
            click.echo(str(breach), err=True)
        for name in unlisted(directory):
            click.echo(f"{name} not listed yet (run without --check once it lands)")
        if found:
            raise SystemExit(1)
        return
    added = append_new(directory)
    for name in added:
        click.echo(f"listed {name}")
    if not added:
        click.echo("every migration is listed")
