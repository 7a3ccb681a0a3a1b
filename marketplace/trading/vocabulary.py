"""The trade's codes as words for printed papers: an Incoterm with its place and rule
name, a unit of measure. One mapping per vocabulary (payment terms: ``doctypes.
PAYMENT_TERMS``); the words are translated in the language of the paper."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.trading.doctypes import PAYMENT_TERMS

INCOTERM_NAMES = {
    "EXW": _l("Ex Works"), "FCA": _l("Free Carrier"), "CPT": _l("Carriage Paid To"),
    "CIP": _l("Carriage and Insurance Paid To"), "DAP": _l("Delivered at Place"),
    "DPU": _l("Delivered at Place Unloaded"), "DDP": _l("Delivered Duty Paid"),
    "FAS": _l("Free Alongside Ship"), "FOB": _l("Free On Board"),
    "CFR": _l("Cost and Freight"), "CIF": _l("Cost, Insurance and Freight"),
}
UNIT_NAMES = {
    "pcs": _l("pieces"), "pc": _l("pieces"), "set": _l("sets"), "sets": _l("sets"),
    "pair": _l("pairs"), "pairs": _l("pairs"), "kg": _l("kilograms"), "g": _l("grams"),
    "t": _l("metric tons"), "m": _l("metres"), "m2": _l("square metres"),
    "m3": _l("cubic metres"), "l": _l("litres"), "roll": _l("rolls"), "rolls": _l("rolls"),
    "box": _l("boxes"), "carton": _l("cartons"), "ctn": _l("cartons"),
    "dozen": _l("dozen"), "sheet": _l("sheets"), "unit": _l("units"), "units": _l("units"),
}


def incoterm_words(code: str | None, place: str | None) -> str:
    """"FOB Kaohsiung (Free On Board, Incoterms® 2020)"; the code stays: it is how the
    rule is cited, the name says it in words."""
    if not code:
        return ""
    name = INCOTERM_NAMES.get(code)
    head = " ".join(part for part in (code, place) if part)
    if name is None:
        return head
    return _("%(rule)s (%(name)s, Incoterms® 2020)", rule=head, name=str(name))


def payment_terms_words(code: str | None) -> str:
    if not code:
        return ""
    label = PAYMENT_TERMS.get(code)
    return str(label) if label is not None else code


def unit_words(code: str | None) -> str:
    if not code:
        return ""
    name = UNIT_NAMES.get(code.strip().lower())
    return str(name) if name is not None else code
