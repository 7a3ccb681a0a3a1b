"""Content schemas: uploaded files and multipart bodies.
``...ArgsSchema`` for input (unknown fields rejected), the others for output."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, pre_load
from werkzeug.datastructures import FileStorage

from marketplace.content.queries.media import media_url


class MultipartArgsSchema(Schema):
    """A multipart/form-data body: its file parts and its text fields in one schema, so
    the OpenAPI document shows one request body (webargs reads ``files`` only)."""

    @pre_load
    def _with_form_fields(self, data, **kwargs):
        merged = {key: data.get(key) for key in request.files}
        for key in request.form:
            if key in merged:
                raise ValidationError(str(_l("Given twice.")), field_name=key)
            merged[key] = request.form.get(key)
        return merged


class FileField(Upload):
    """An uploaded file part (a text field of the same name is refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError(str(_l("Send a file (multipart/form-data).")))
        return value


class MediaFileSchema(Schema):
    """A stored file, as every area shows it."""

    id = fields.Integer(required=True)
    kind = fields.Function(lambda media: media.kind.value, required=True, metadata={
        "type": "string", "enum": ["image", "video", "audio", "pdf"]})
    content_type = fields.String(required=True, metadata={"example": "image/jpeg"})
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    original_name = fields.String(required=True, metadata={
        "description": "The uploaded file's name, as a label only"})
    url = fields.Function(lambda media: media_url(media), required=True,
                          metadata={"type": "string", "example": "/media/12"})
    thumbnail_url = fields.Function(lambda media: media_url(media, thumbnail=True),
                                    allow_none=True, required=True,
                                    metadata={"type": "string", "nullable": True,
                                              "example": "/media/12/thumbnail"})
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
