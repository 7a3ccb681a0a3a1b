"""Messages stored to be translated later: N_ strings are extracted by the project's
extract command like any other, and have their Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from marketplace.infrastructure.notifications import N_
from marketplace.infrastructure.notifications.messages import Msgid
from marketplace.infrastructure.notifications.tasks import FAILED_MESSAGE

TRANSLATIONS = Path(__file__).resolve().parents[3] / "marketplace" / "translations"


def _catalog(path: Path):
    with path.open("rb") as f:
        return {m.id: m for m in read_po(f) if m.id}


def test_n_marks_without_translating():
    marked = N_("Parcel %(number)s arrived.")
    assert marked == "Parcel %(number)s arrived." and isinstance(marked, str)
    assert isinstance(marked, Msgid)


def test_messages_marked_with_n_are_in_the_template_and_translated():
    template = _catalog(TRANSLATIONS / "messages.pot")
    chinese = _catalog(TRANSLATIONS / "zh_Hant" / "LC_MESSAGES" / "messages.po")
    assert FAILED_MESSAGE in template
    assert "python-format" in template[FAILED_MESSAGE].flags
    assert "失敗" in chinese[FAILED_MESSAGE].string
