"""The language a shipping document prints in: English, Traditional Chinese, or both
side by side. It is the document's own (set per buyer, or when the document is made,
or asked for on a download), never the language of whoever downloads it.

``PaperWords`` is what a paper template calls instead of the page's ``_``: each label
and each coded value (mode, Incoterm, payment terms, unit, country) comes out in the
paper's language, or in both for a bilingual paper ("Port of loading 裝運港")."""

from __future__ import annotations

import functools
import gettext as pygettext
from decimal import Decimal
from typing import Any

import pycountry
from flask_babel import force_locale, get_translations
from flask_babel import lazy_gettext as _l

from marketplace.fulfillment import amount_words
from marketplace.fulfillment.models import ShipmentMode
from marketplace.trading.vocabulary import incoterm_words, payment_terms_words, unit_words

ENGLISH, CHINESE, BILINGUAL = "en", "zh-Hant", "bilingual"
LANGUAGES = (ENGLISH, CHINESE, BILINGUAL)
LANGUAGE_LABELS = {ENGLISH: _l("English"), CHINESE: _l("Traditional Chinese"),
                   BILINGUAL: _l("English and Traditional Chinese, side by side")}
# The Babel locales of each document language, the first one leading.
LOCALES = {ENGLISH: ("en",), CHINESE: ("zh_Hant",), BILINGUAL: ("en", "zh_Hant")}
MODE_WORDS = {ShipmentMode.SEA: _l("By sea"), ShipmentMode.AIR: _l("By air"),
              ShipmentMode.COURIER: _l("By courier"), ShipmentMode.ROAD: _l("By road")}
SEPARATOR = " "

_COUNTRY_CATALOGS = {"zh_Hant": "zh_TW"}
_COUNTRY_OVERRIDES = {"zh_Hant": {"TW": "臺灣"}}


@functools.cache
def _country_catalog(locale: str):
    return pygettext.translation("iso3166-1", pycountry.LOCALES_DIR, fallback=True,
                                 languages=[_COUNTRY_CATALOGS.get(locale, locale)])


def country_name(code: str | None, locale: str) -> str:
    if not code:
        return ""
    override = _COUNTRY_OVERRIDES.get(locale, {}).get(code.upper())
    if override:
        return override
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
    return english if locale == "en" else _country_catalog(locale).gettext(english)


class PaperWords:
    """Labels and values in a document language; callable as the template's ``_``."""

    def __init__(self, language: str):
        self.language = language if language in LOCALES else ENGLISH
        self.locales = LOCALES[self.language]
        self.translations = {}
        for locale in self.locales:
            with force_locale(locale):
                self.translations[locale] = get_translations()

    @property
    def bilingual(self) -> bool:
        return len(self.locales) > 1

    @property
    def lead_locale(self) -> str:
        return self.locales[0]

    def _join(self, parts: list[str]) -> str:
        unique = [part for index, part in enumerate(parts) if part and part not in parts[:index]]
        return SEPARATOR.join(unique)

    def __call__(self, text: str, **params: Any) -> str:
        parts = []
        for locale in self.locales:
            translated = self.translations[locale].ugettext(str(text))
            parts.append(translated % params if params else translated)
        return self._join(parts)

    def each(self, render) -> str:
        """``render()`` (words made with flask_babel's gettext) in each language."""
        parts = []
        for locale in self.locales:
            with force_locale(locale):
                parts.append(str(render()))
        return self._join(parts)

    # ----- coded values as words -----

    def mode(self, code: str | None) -> str:
        words = MODE_WORDS.get(code)
        return self.each(lambda: words) if words is not None else (code or "")

    def incoterm(self, code: str | None, place: str | None) -> str:
        return self.each(lambda: incoterm_words(code, place))

    def terms(self, code: str | None) -> str:
        return self.each(lambda: payment_terms_words(code))

    def unit(self, code: str | None) -> str:
        return self.each(lambda: unit_words(code))

    def country(self, code: str | None) -> str:
        return self._join([country_name(code, locale) for locale in self.locales])

    def amount_in_words(self, amount: str | Decimal, currency: str) -> list[str]:
        """The English words (as banks read them, on every paper), and the Chinese
        banking numerals on a Chinese or bilingual paper."""
        value = Decimal(amount)
        lines = [amount_words.english_words(value, currency)]
        if self.language in (CHINESE, BILINGUAL):
            lines.append(amount_words.chinese_words(value, currency))
        return lines


def parse_language(value: str | None) -> str | None:
    """A ``?lang=`` value: en, zh-Hant (zh_Hant, zh-TW too) or bilingual; None if
    unknown."""
    if not value:
        return None
    known = {"en": ENGLISH, "zh-hant": CHINESE, "zh_hant": CHINESE, "zh-tw": CHINESE,
             "bilingual": BILINGUAL}
    return known.get(value.strip().lower())
