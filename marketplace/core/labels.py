"""A vocabulary's codes and the words people read for them.

A status, kind or method is stored as a code (``partially_received``, ``tt``) and shown
as a label in the reader's language ("Partially received", "部分收貨"). Each vocabulary
has one ``Labels`` mapping, kept in the module that owns the codes; pages, e-mails and
notifications all take their words from it:

    ORDER_STATUS = Labels({"open": N_("Open"), "partially_shipped": N_("Partially shipped")})
    ORDER_STATUS["open"]          # lazily translated, for templates and flashes
    ORDER_STATUS.msgid("open")    # the English msgid, for a notification's params (N_)

``N_`` marks the msgids for pybabel's extraction (one of its default keywords) and
returns them unchanged: they are translated when shown, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask_babel import lazy_gettext


def N_(msgid: str) -> str:  # noqa: N802 - pybabel's conventional marker
    return msgid


class Labels(Mapping):
    """code -> label (translated when shown); an unknown code reads as itself, humanised,
    rather than failing a page."""

    def __init__(self, msgids: Mapping[str, str]):
        self._msgids = dict(msgids)

    def __getitem__(self, code):
        return lazy_gettext(self._msgids[str(getattr(code, "value", code))])

    def __iter__(self) -> Iterator[str]:
        return iter(self._msgids)

    def __len__(self) -> int:
        return len(self._msgids)

    def msgid(self, code) -> str:
        code = str(getattr(code, "value", code))
        return self._msgids.get(code, code.replace("_", " ").capitalize())

    def label(self, code) -> str:
        """The label in the current language (the humanised code when there is none)."""
        code = str(getattr(code, "value", code))
        return str(self[code]) if code in self._msgids else self.msgid(code)
