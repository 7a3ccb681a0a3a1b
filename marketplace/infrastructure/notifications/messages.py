"""Messages that are stored in English and translated when someone reads them.

A notification is written once, in the sender's request, but read later by people
who each have their own language. So what is stored is the English msgid and its
named parameters; the text is made in the reader's language when the bell or the
notifications page is shown, and in the recipient's language when the e-mail is
written.

``N_`` marks such a msgid for pybabel (it is one of pybabel's default keywords, so
the extract command of docs/TRANSLATIONS.md finds it without further options) and
returns it unchanged, untranslated. A parameter that is itself a word to translate
(a document type, a status) is marked with ``N_`` too, and is translated with the
message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from flask_babel import gettext
from flask_babel.speaklater import LazyString

log = logging.getLogger(__name__)

# How a translatable parameter is kept in the params JSON: {"name": {"msgid": "..."}}.
_MSGID = "msgid"


class Msgid(str):
    """An English msgid marked with ``N_``: still a plain string everywhere."""

    __slots__ = ()


def N_(msgid: str) -> Msgid:  # noqa: N802 - the conventional name of the no-op marker
    """Mark ``msgid`` for translation without translating it now."""
    return Msgid(msgid)


def _plain_param(name: str, value: Any) -> Any:
    if isinstance(value, Msgid):
        return {_MSGID: str(value)}
    if isinstance(value, LazyString):
        raise TypeError(f"param {name!r} is a lazy translation; mark it with N_() instead, "
                        "so it is translated in the reader's language")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"param {name!r}: {type(value).__name__} cannot be stored; give a "
                    "string or a number")


def freeze_params(message: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The params as they are stored (JSON), after checking that the message can be
    made from them: a mistake shows in the sender's code, not in a reader's bell."""
    if isinstance(message, LazyString) or not isinstance(message, str):
        raise TypeError("message must be an English msgid marked with N_(), not a "
                        f"{type(message).__name__}: it is translated when it is read")
    stored = {str(name): _plain_param(name, value) for name, value in (params or {}).items()}
    try:
        _format(str(message), _english(stored))
    except (KeyError, ValueError, TypeError) as error:
        raise ValueError(f"message {message!r} cannot be filled from params "
                         f"{sorted(stored)}: {error}") from error
    return stored


def _english(stored: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value[_MSGID] if _is_msgid(value) else value for name, value in stored.items()}


def _is_msgid(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {_MSGID}


def _format(text: str, values: Mapping[str, Any]) -> str:
    return text % values if values else text


def render_message(message: str, params: Mapping[str, Any] | None) -> str:
    """The message in the current locale (``force_locale`` chooses another one)."""
    stored = params or {}
    translated = {name: gettext(value[_MSGID]) if _is_msgid(value) else value
                  for name, value in stored.items()}
    try:
        return _format(gettext(message), translated)
    except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder
        log.warning("translation of %r does not fit its params; English shown", message)
    try:
        return _format(message, _english(stored))
    except (KeyError, ValueError, TypeError):
        return message
