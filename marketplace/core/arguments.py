"""How the JSON API reads its arguments: webargs' parser, with two holes closed.

- flask-smorest documents ``@blp.arguments(Schema)`` as a required request body, but
  webargs loads a missing body as ``{}``: a PATCH, PUT or POST sent without one passed
  when no field is required, and answered 200 for a no-op. Here a body the operation
  declares required must be there (422 otherwise); an optional one (``required=False``)
  may be left out.
- marshmallow's Integer takes ``1.0`` as 1 (and a query string's "1" must stay readable
  as 1); in a JSON body an integer field refuses a JSON float, as the document says.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields
from webargs import core
from webargs.flaskparser import FlaskParser

BODY_LOCATIONS = ("json", "form", "files", "json_or_form")


def _body_is_required() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") in BODY_LOCATIONS and p.get("required", True)
               for p in parameters if isinstance(p, dict))


class RequiredBodyParser(FlaskParser):
    def load_json(self, req, schema):
        data = super().load_json(req, schema)
        if data is core.missing and _body_is_required():
            raise ValidationError(
                {"_schema": [str(_l("Send a JSON body (Content-Type: application/json)."))]})
        if isinstance(data, dict) and isinstance(schema, Schema):
            errors = _floats_for_integers(schema, data)
            if errors:
                raise ValidationError(errors)
        return data


def _floats_for_integers(schema: Schema, data: dict, prefix: str = "") -> dict:
    errors: dict = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key in data and not field.dump_only:
            errors.update(_float_for_integer(field, data[key], prefix + key))
    return errors


def _float_for_integer(field: fields.Field, value, path: str) -> dict:
    if isinstance(field, fields.Integer) and isinstance(value, float):
        return {path: [str(_l("Not a valid integer."))]}
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        items = value if field.many and isinstance(value, list) else [value]
        errors: dict = {}
        for index, item in enumerate(items):
            if isinstance(item, dict):
                where = f"{path}.{index}." if field.many else f"{path}."
                errors.update(_floats_for_integers(field.schema, item, where))
        return errors
    if isinstance(field, fields.List) and isinstance(value, list):
        errors = {}
        for index, item in enumerate(value):
            errors.update(_float_for_integer(field.inner, item, f"{path}.{index}"))
        return errors
    return {}
