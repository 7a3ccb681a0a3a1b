"""Field errors as a form shows them: named by the field's label, in the page's language.

The schemas (marshmallow) and the operations name a refused field by its path in the
data (``lines.1.quantity_rejected``) and say why in marshmallow's English ("Must be
greater than or equal to 0."). That is right for the API; a portal page says it as its
form does: "Line 2 · Rejected quantity: 須大於或等於 0。". A portal view gives the labels
of its form, keyed by path, with ``*`` for a list's position:

    RECEIPT_FIELDS = {"lines": _l("Lines"), "lines.*": _l("Line %(n)s"),
                      "lines.*.quantity_rejected": _l("Rejected quantity")}
    except DomainError as error:
        raise named_fields(error, RECEIPT_FIELDS) from None

A position's label may be a function of the index instead (the page's own row number).
A position with no label of its own (a list of ids, ``order_ids.0``) names no more than
its list. A field no label names is humanised ("port_of_loading" → "Port of loading"):
never a path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext

from marketplace.core.errors import DomainError, ValidationFailed, flatten_messages
from marketplace.core.labels import N_

# marshmallow's own messages (fields and validators), as patterns, and what they say in
# the page's language. A message that matches none (an operation's own sentence) is
# already translated where it was raised.
_NUMBER = r"(?P<{}>-?[\d.,]+)"
_MARSHMALLOW = [  # marshmallow's own words, so English reads exactly as the API says it
    (r"Missing data for required field\.", N_("Missing data for required field.")),
    (r"Field may not be null\.", N_("Field may not be null.")),
    (r"Invalid value\.", N_("Invalid value.")),
    (r"Not a valid integer\.", N_("Not a valid integer.")),
    (r"Not a valid number\.", N_("Not a valid number.")),
    (r"Number too large\.", N_("Number too large.")),
    (r"Special numeric values \(nan or infinity\) are not permitted\.",
     N_("Special numeric values (nan or infinity) are not permitted.")),
    (r"Not a valid string\.", N_("Not a valid string.")),
    (r"Not a valid date\.", N_("Not a valid date.")),
    (r"Not a valid datetime\.", N_("Not a valid datetime.")),
    (r"Not a valid boolean\.", N_("Not a valid boolean.")),
    (r"Not a valid list\.", N_("Not a valid list.")),
    (r"Not a valid email address\.", N_("Not a valid email address.")),
    (r"Not a valid URL\.", N_("Not a valid URL.")),
    (r"Invalid input type\.", N_("Invalid input type.")),
    (r"Invalid type\.", N_("Invalid type.")),
    (r"Unknown field\.", N_("Unknown field.")),
    (r"Must be one of: (?P<choices>.*)\.", N_("Must be one of: %(choices)s.")),
    (r"Must be greater than or equal to {min} and less than or equal to {max}\.",
     N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s.")),
    (r"Must be greater than {min} and less than or equal to {max}\.",
     N_("Must be greater than %(min)s and less than or equal to %(max)s.")),
    (r"Must be greater than or equal to {min}\.",
     N_("Must be greater than or equal to %(min)s.")),
    (r"Must be greater than {min}\.", N_("Must be greater than %(min)s.")),
    (r"Must be less than or equal to {max}\.", N_("Must be less than or equal to %(max)s.")),
    (r"Must be less than {max}\.", N_("Must be less than %(max)s.")),
    (r"Length must be between {min} and {max}\.",
     N_("Length must be between %(min)s and %(max)s.")),
    (r"Length must be {equal}\.", N_("Length must be %(equal)s.")),
    (r"Shorter than minimum length {min}\.", N_("Shorter than minimum length %(min)s.")),
    (r"Longer than maximum length {max}\.", N_("Longer than maximum length %(max)s.")),
]
_PATTERNS = [(re.compile("^" + pattern.format(**{name: _NUMBER.format(name)
                                                  for name in ("min", "max", "equal")}) + "$"),
              message) for pattern, message in _MARSHMALLOW]


def translated(message: str) -> str:
    """A marshmallow message in the page's language (any other message as it is)."""
    text = str(message)
    for pattern, said in _PATTERNS:
        found = pattern.match(text)
        if found:
            return gettext(said, **found.groupdict())
    return text


def field_label(path: str, labels: Mapping[str, object]) -> str:
    """``lines.1.quantity_rejected`` → "Line 2 · Rejected quantity" (see the module)."""
    parts = path.split(".")
    said: list[str] = []
    pattern: list[str] = []
    for position, part in enumerate(parts):
        if part.isdigit():
            pattern.append("*")
            item = labels.get(".".join(pattern))
            if callable(item):  # the page numbers its rows itself (a row per order line)
                said.append(str(item(int(part))))
            elif item is not None:
                said.append(str(item) % {"n": int(part) + 1})
            continue
        pattern.append(part)
        last_named = all(p.isdigit() for p in parts[position + 1:])
        label = labels.get(".".join(pattern))
        if label is None and last_named:
            label = labels.get(part)
        if label is not None:
            said.append(str(label))
        elif last_named:
            said.append(part.replace("_", " ").capitalize())
    # a list's label says no more once an item of it is named ("Lines · Line 2" → "Line 2")
    if len(said) > 1 and "." in path and parts[0] in labels and \
            said[0] == str(labels[parts[0]]) and parts[1:2] and parts[1].isdigit() and \
            labels.get(f"{parts[0]}.*") is not None:
        said = said[1:]
    return " · ".join(dict.fromkeys(said)) or str(path)


def named_fields(error: DomainError, labels: Mapping[str, object]) -> DomainError:
    """The refusal as a portal page says it: each field by its label, each message in the
    page's language. ``errors`` keeps the paths (a page showing messages beside its rows
    finds them there), now with the translated messages; ``detail`` names the fields."""
    if not error.errors:
        return error
    by_path = {path: [translated(m) for m in messages]
               for path, messages in flatten_messages(error.errors).items()}
    lines = []
    for path, messages in by_path.items():
        text = " ".join(messages)
        lines.append(text if path == "_schema" else gettext(
            "%(field)s: %(message)s", field=field_label(path, labels), message=text))
    refusal = ValidationFailed(" ".join(lines), errors=by_path)
    refusal.status = error.status
    refusal.fields_in_detail = True
    return refusal
