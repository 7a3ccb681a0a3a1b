"""The currencies a person chooses from: the active ISO 4217 currencies (no precious
metals, test or "no currency" codes, bond-market units or funds), named in the page's
language, the company's usual ones first. Validation still takes every ISO code
(``core.validation.currency_codes``): a partner's old record stays readable."""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable, Iterable

import pycountry
from flask_babel import get_locale

# In ISO 4217 but no money one trades in: metals (XAU gold, XAG, XPD, XPT), the testing
# code XTS, "no currency" XXX, bond-market units (XBA-XBD), units of account (XDR, XSU,
# XUA, XAD) and the fund codes beside a country's currency (BOV, CHE, CHW, CLF, COU,
# MXV, USN, UYI, UYW).
NOT_TRADED = frozenset({"XAU", "XAG", "XPD", "XPT", "XTS", "XXX", "XBA", "XBB", "XBC", "XBD",
                        "XDR", "XSU", "XUA", "XAD", "BOV", "CHE", "CHW", "CLF", "COU", "MXV",
                        "USN", "UYI", "UYW"})
# The trade's most used currencies, after the company's own.
COMMON = ("USD", "EUR", "TWD", "CNY", "HKD", "JPY", "GBP", "KRW", "SGD", "AUD", "CAD", "THB",
          "VND", "MYR", "INR")
CATALOGS = {"zh_Hant": "zh_TW", "zh_TW": "zh_TW"}
# Newer currencies pycountry's Taiwanese catalog does not name (in Chinese) yet.
NAME_OVERRIDES = {"zh_Hant": {"XCG": "加勒比盾", "LAK": "寮國基普", "ZWG": "辛巴威金"}}
HAN = re.compile("[\u4e00-\u9fff]")


@functools.cache
def active_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies) - NOT_TRADED


@functools.cache
def _names(locale: str) -> dict[str, str]:
    """Each code's name in ``locale``; a Chinese name the catalog lacks is left out (the
    code alone is shown, never an English name on a Chinese page)."""
    catalog = gettext.translation("iso4217", pycountry.LOCALES_DIR, fallback=True,
                                  languages=[CATALOGS.get(locale, locale)])
    names = {c.alpha_3: catalog.gettext(c.name) for c in pycountry.currencies}
    if locale.startswith("zh"):
        names = {code: name for code, name in names.items() if HAN.search(name)}
    return {**names, **NAME_OVERRIDES.get(locale, {})}


def label(code: str) -> str:
    """"USD — US Dollar" in the page's language ("USD — 美元")."""
    name = _names(str(get_locale() or "en")).get(code)
    return f"{code} — {name}" if name else code


def ordered_codes(usual: Iterable[str] = ()) -> list[str]:
    """The company's usual currencies, then the common ones, then the rest A to Z."""
    active = active_codes()
    first = [code for code in dict.fromkeys([*usual, *COMMON]) if code in active]
    return first + sorted(active - set(first))


def choices(usual: Iterable[str] = (), *, keep: str | None = None) -> list[tuple[str, str]]:
    """(code, label) pairs for a select; ``keep``: a code already chosen (an old record's
    currency no longer offered) stays at the top so nothing is lost."""
    codes = ordered_codes(usual)
    if keep and keep not in codes:
        codes = [keep, *codes]
    return [(code, label(code)) for code in codes]


# Which currencies a company uses is known above core (content reads its catalog and its
# documents): content registers the finder at import, so a list in a lower module (the
# bank details) puts the company's usual ones first too.
_usual_finder: Callable[[int], list[str]] | None = None


def register_usual(finder: Callable[[int], list[str]]) -> None:
    global _usual_finder
    _usual_finder = finder


def usual(company_id: int | None) -> list[str]:
    """The company's usual currencies, the most used first ([] until content registers)."""
    if company_id is None or _usual_finder is None:
        return []
    return _usual_finder(company_id)


def company_choices(company_id: int | None, *, keep: str | None = None,
                    blank: str | None = None) -> list[tuple[str, str]]:
    """A company's currency list: its usual ones, the common ones, the rest; ``blank``:
    the label of an empty first choice (for an optional currency)."""
    pairs = choices(usual(company_id), keep=keep)
    return [("", blank), *pairs] if blank is not None else pairs
