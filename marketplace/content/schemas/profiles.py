"""Content schemas: company profiles, factory tours, certifications.
``...ArgsSchema`` for input (unknown fields rejected), the others for output."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, pre_load, validate
from werkzeug.datastructures import FileStorage

from marketplace.content.operations.profiles import (
    EARLIEST_YEAR_FOUNDED,
    EMPLOYEE_RANGES,
    MARKET_REGIONS,
    MAX_MAIN_MARKETS,
    is_market_code,
)
from marketplace.content.queries import profiles as queries
from marketplace.core.schemas import Id, OptionalText, Text
from marketplace.infrastructure.models import CompanyStatus

# ----- multipart bodies -------------------------------------------------------------------


class MultipartArgsSchema(Schema):
    """A multipart/form-data body: its files and its text fields in one schema, so the
    OpenAPI document shows one request body (webargs reads only ``files`` for it)."""

    @pre_load
    def _with_form_fields(self, data, **kwargs):
        merged = {key: data.get(key) for key in request.files}
        for key in request.form:
            if key in merged:
                raise ValidationError(str(_l("Given twice.")), field_name=key)
            merged[key] = request.form.get(key)
        return merged


class FileUpload(Upload):
    """An uploaded file part (a text field of the same name is refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError(str(_l("Send a file (multipart/form-data).")))
        return value


# ----- media --------------------------------------------------------------------------------


class ProfileMediaSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"example": "image"})
    content_type = fields.String(required=True, metadata={"example": "image/jpeg"})
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    url = fields.Function(lambda media: queries.media_url(media), required=True,
                          metadata={"type": "string"})
    thumbnail_url = fields.Function(lambda media: queries.media_url(media, thumbnail=True),
                                    allow_none=True, metadata={"type": "string"})
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)


# ----- factory tour -----------------------------------------------------------------------


class FactoryTourItemSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True, metadata={"description": "0 is shown first"})
    caption_en = fields.String(allow_none=True, required=True)
    caption_zh = fields.String(allow_none=True, required=True)
    media = fields.Nested(ProfileMediaSchema, required=True)


def _caption(**kwargs) -> fields.String:
    return OptionalText(300, **kwargs)


class FactoryTourUploadArgsSchema(MultipartArgsSchema):
    file = FileUpload(required=True, metadata={
        "description": "A photo (JPEG, PNG, WebP, GIF) or a video (MP4, WebM), recognised "
                       "by its content; larger than the size limit: 413, another type: 415"})
    caption_en = _caption()
    caption_zh = _caption()


class FactoryTourItemPatchArgsSchema(Schema):
    caption_en = _caption()
    caption_zh = _caption()


class FactoryTourOrderArgsSchema(Schema):
    ids = fields.List(Id(), required=True, validate=validate.Length(max=1000), metadata={
        "description": "Every item id of the tour once, in the new order"})


# ----- certifications -----------------------------------------------------------------------


class CertificationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"example": "ISO 9001:2015"})
    issuer = fields.String(allow_none=True, required=True)
    valid_until = fields.Function(
        lambda cert: cert.valid_until.date().isoformat() if cert.valid_until else None,
        allow_none=True, required=True, metadata={"type": "string", "format": "date"})
    expired = fields.Function(lambda cert: queries.is_expired(cert), required=True,
                              metadata={"type": "boolean"})
    document = fields.Nested(ProfileMediaSchema, allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)


class CertificationArgsSchema(MultipartArgsSchema):
    name = Text(200, required=True)
    issuer = OptionalText(200)
    valid_until = fields.Date(metadata={"description": "The last day the certificate holds"})
    file = FileUpload(metadata={"description": "The certificate: a PDF or an image, recognised "
                                           "by its content (413 too large, 415 another type)"})


class CertificationPatchArgsSchema(Schema):
    name = Text(200)
    issuer = OptionalText(200)
    valid_until = fields.Date(allow_none=True)


# ----- the profile --------------------------------------------------------------------------


def _year_not_in_future(year: int | None) -> None:
    if year is not None and year > date.today().year:
        raise ValidationError(str(_l("The year has not come yet.")))


def _market(code: str) -> None:
    if not is_market_code(code):
        raise ValidationError(str(_l("Not a region or ISO country code.")))


MARKETS_DESCRIPTION = ("ISO 3166-1 alpha-2 country codes and regions: "
                       + ", ".join(MARKET_REGIONS))


class ProfileCategorySchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_zh = fields.String(allow_none=True)


class ProfileCompanySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    status = fields.Enum(CompanyStatus, by_value=True, required=True)
    website = fields.String(allow_none=True)
    categories = fields.List(fields.Nested(ProfileCategorySchema), required=True)
    approved_at = fields.AwareDateTime(allow_none=True)


class ProfileSchema(Schema):
    company = fields.Nested(ProfileCompanySchema, required=True)
    verified = fields.Boolean(required=True, metadata={
        "description": "Approved by the operator, and active"})
    description_en = fields.String(allow_none=True, required=True)
    description_zh = fields.String(allow_none=True, required=True)
    year_founded = fields.Integer(allow_none=True, required=True)
    employees = fields.String(allow_none=True, required=True, metadata={"example": "51-200"})
    main_markets = fields.List(fields.String(), required=True,
                               metadata={"description": MARKETS_DESCRIPTION})
    contact_name = fields.String(allow_none=True, required=True)
    contact_email = fields.String(allow_none=True, required=True)
    contact_phone = fields.String(allow_none=True, required=True)
    certifications = fields.List(fields.Nested(CertificationSchema), required=True)
    factory_tour = fields.List(fields.Nested(FactoryTourItemSchema), required=True)
    catalog_url = fields.Function(
        lambda page: f"/catalog/suppliers/{page.company.id}" if page.company.is_supplier
        else None, allow_none=True, required=True,
        metadata={"description": "The supplier's catalog in the portal"})
    version = fields.Integer(required=True, metadata={
        "description": "0 until the profile is first saved"})


class ProfilePatchArgsSchema(Schema):
    description_en = OptionalText(10_000)
    description_zh = OptionalText(10_000)
    year_founded = fields.Integer(allow_none=True, validate=[
        validate.Range(min=EARLIEST_YEAR_FOUNDED, max=9999), _year_not_in_future])
    employees = fields.String(allow_none=True, validate=validate.OneOf(EMPLOYEE_RANGES))
    main_markets = fields.List(
        fields.String(validate=[validate.Length(max=20), _market]),
        validate=validate.Length(max=MAX_MAIN_MARKETS),
        metadata={"description": MARKETS_DESCRIPTION})
    contact_name = OptionalText(200)
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    contact_phone = OptionalText(40)
