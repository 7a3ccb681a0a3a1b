"""Checks on codes the trade shares: countries (ISO 3166-1 alpha-2), currencies (ISO 4217)."""

from __future__ import annotations

import functools
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


def _paths_with_nul(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "_schema"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                yield name
            yield from _paths_with_nul(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths_with_nul(item, f"{path}.{index}" if path else str(index))


def refuse_nul_characters() -> None:
    """PostgreSQL text cannot hold NUL (0x00): refuse (422) a request that carries one in
    a path or query parameter, form field or JSON value, before it reaches a query."""
    from marketplace.core.errors import ValidationFailed

    sources: list[tuple[str, Any]] = list((request.view_args or {}).items())
    sources += request.args.items(multi=True)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources += request.form.items(multi=True)
    if request.is_json:
        sources.append(("", request.get_json(silent=True)))
    paths = sorted({path for name, value in sources for path in _paths_with_nul(value, name)})
    if paths:
        message = str(_l("Must not contain NUL (0x00) characters."))
        raise ValidationFailed(errors={path: [message] for path in paths})
