"""Checks on codes the trade shares: countries (ISO 3166-1 alpha-2), currencies (ISO 4217)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import pycountry
from flask import request
from flask_babel import lazy_gettext as _l


@functools.cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@functools.cache
def currency_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


# No body of this API nests deeper than a handful of levels; a parser (and every walker
# after it) recursing through thousands of levels would exhaust the stack (a 500).
MAX_JSON_DEPTH = 32

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text, counted without parsing it
    (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", body)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _text_fault(text: str) -> str | None:
    """Why a text cannot be stored: NUL is refused by PostgreSQL text; a lone surrogate
    (JSON's "\\ud800" escape, unpaired) is no character at all and has no UTF-8 form."""
    if "\x00" in text:
        return str(_l("Must not contain NUL (0x00) characters."))
    if _SURROGATE.search(text) is not None:
        return str(_l("Must be valid text: an unpaired surrogate (U+D800 to U+DFFF) is not a "
                      "character."))
    return None


def _text_faults(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(field path, reason) for every string in a value (keys included) that cannot be
    stored."""
    if isinstance(value, str):
        if fault := _text_fault(value):
            yield path or "_schema", fault
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if fault := _text_fault(str(key)):
                yield name.encode("utf-8", "replace").decode("utf-8"), fault
            yield from _text_faults(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_faults(item, f"{path}.{index}" if path else str(index))


def _json_body() -> Any:
    """The request's JSON, once its nesting is known to be bounded (400 otherwise)."""
    from marketplace.core.errors import DomainError

    if json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
        raise DomainError(str(_l("The JSON body is nested more than %(depth)s levels deep.",
                                 depth=MAX_JSON_DEPTH)))
    return request.get_json(silent=True)


def refuse_hostile_input() -> None:
    """Refuse, once and for every route, what no field may hold: a JSON body nested
    past MAX_JSON_DEPTH (400), and NUL or a lone surrogate in a path or query parameter,
    form field or JSON value (422, naming each field), before it reaches a query."""
    from marketplace.core.errors import ValidationFailed

    sources: list[tuple[str, Any]] = list((request.view_args or {}).items())
    sources += request.args.items(multi=True)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources += request.form.items(multi=True)
    if request.is_json:
        sources.append(("", _json_body()))
    errors: dict[str, list[str]] = {}
    for name, value in sources:
        for path, fault in _text_faults(value, name):
            reasons = errors.setdefault(path, [])
            if fault not in reasons:
                reasons.append(fault)
    if errors:
        raise ValidationFailed(errors=dict(sorted(errors.items())))
