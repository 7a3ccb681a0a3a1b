"""The Chinese pages as they will read once translations-pending/*.po is merged.

Helpers write their new msgids' Chinese in translations-pending/<tag>.po; the lead merges
them into the catalog at the end of a session (tests/infrastructure/test_i18n.py holds the
catalog itself to account). A test that reads a Chinese page loads those translations
after the catalog's, as a second translation folder, and undoes it at its end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PENDING = Path(__file__).resolve().parents[1] / "translations-pending"


def load_pending_translations(app, folder: Path) -> Callable[[], None]:
    pending = Catalog(locale="zh_Hant")
    for path in sorted(PENDING.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    pending[message.id] = message
    messages = folder / "zh_Hant" / "LC_MESSAGES"
    messages.mkdir(parents=True, exist_ok=True)
    with (messages / "messages.mo").open("wb") as handle:
        write_mo(handle, pending)
    babel = app.extensions["babel"]
    with app.app_context():
        domain = babel.instance.domain_instance
    babel.translation_directories.append(str(folder))
    domain.cache.clear()

    def undo() -> None:
        babel.translation_directories.remove(str(folder))
        domain.cache.clear()
    return undo
