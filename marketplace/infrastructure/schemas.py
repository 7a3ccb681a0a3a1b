"""API schemas: ``...ArgsSchema`` for input (unknown fields rejected), others for output."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from marketplace.core.schemas import Country, Id, OptionalText, Text
from marketplace.infrastructure.models import CompanyStatus, MemberRole, RoleRequestStatus

COMPANY_ROLES = ("buyer", "supplier")
LANGUAGES = ("en", "zh_Hant")


def _roles_field(**kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(COMPANY_ROLES)),
                       validate=validate.Length(min=1, max=2,
                                                error=str(_l("Choose buyer, supplier or both."))),
                       **kwargs)


def _email(**kwargs) -> fields.Email:
    return fields.Email(validate=validate.Length(max=254), **kwargs)


def _password(**kwargs) -> fields.String:
    return fields.String(load_only=True, validate=validate.Length(min=1, max=1024), **kwargs)


def _new_password(**kwargs) -> fields.String:
    """A password being set: operations.check_password_rules applies the rules."""
    return _password(metadata={"description": "At least PASSWORD_MIN_LENGTH characters "
                                              "(10 unless configured), not the e-mail address"},
                     **kwargs)


# ----- registration and tokens ----------------------------------------------------------


class RegisterCompanyArgsSchema(Schema):
    name = Text(200, required=True)
    country = Country(required=True)
    roles = _roles_field(required=True)


class RegisterUserArgsSchema(Schema):
    email = _email(required=True)
    password = _new_password(required=True)
    full_name = Text(200, required=True)
    language = fields.String(validate=validate.OneOf(LANGUAGES), load_default="en")


class RegisterArgsSchema(Schema):
    company = fields.Nested(RegisterCompanyArgsSchema, required=True)
    user = fields.Nested(RegisterUserArgsSchema, required=True)


class CompanyBriefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.Enum(CompanyStatus, by_value=True, required=True)


class AcceptedSchema(Schema):
    """What a 202 answer accepted, in the reader's language."""

    detail = fields.String(required=True, metadata={
        "example": "If the address is registered, a reset link is on its way."})


class TokenArgsSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = _password(required=True)


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})


class VerifyEmailArgsSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


class PasswordResetArgsSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class PasswordResetConfirmArgsSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))
    password = _new_password(required=True)


class AcceptInvitationArgsSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    full_name = Text(200, required=True)
    password = _new_password(required=True)


# ----- me, companies, members -------------------------------------------------------------


class MeUserSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    language = fields.String(required=True)
    email_verified = fields.Boolean(attribute="is_verified", required=True)
    is_operator = fields.Boolean(required=True)


class MeCompanySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    status = fields.Enum(CompanyStatus, by_value=True, required=True)


class MeSchema(Schema):
    user = fields.Nested(MeUserSchema, allow_none=True, required=True)
    company = fields.Nested(MeCompanySchema, allow_none=True, required=True)
    role = fields.Enum(MemberRole, by_value=True, allow_none=True)
    permissions = fields.List(fields.String(), required=True)
    scopes = fields.List(fields.String(), required=True)
    authenticated_by = fields.String(attribute="via", required=True)


class WorkItemSchema(Schema):
    """One piece of the caller's open work (the personal office's work list)."""

    kind = fields.String(required=True, metadata={
        "description": "inquiry_to_answer, purchase_order_to_accept, approval_waiting, "
                       "order_to_ship, shipment_without_documents, invoice_overdue, "
                       "discrepancy_open, companies_to_approve (operator)"})
    title = fields.String(required=True)
    detail = fields.String(allow_none=True)
    link = fields.String(required=True, metadata={"description": "The portal page to act on"})
    document_id = fields.Integer(allow_none=True)
    age_hours = fields.Decimal(as_string=True, required=True)
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean(required=True)


class CategoryBriefSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class CompanySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    status = fields.Enum(CompanyStatus, by_value=True, required=True)
    address = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    categories = fields.List(fields.Nested(CategoryBriefSchema), required=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    version = fields.Integer(required=True)
    # A supplier's public trade speed (crm fills them in GET /companies/{id}).
    response_hours_median = fields.Decimal(as_string=True, allow_none=True, dump_only=True,
                                           metadata={"description": "Supplier: median hours "
                                                     "from an inquiry to its first quotation, "
                                                     "last 12 months", "example": "5.50"})
    response_rate = fields.Decimal(as_string=True, allow_none=True, dump_only=True,
                                   metadata={"description": "Supplier: share of inquiries "
                                             "answered with a quotation, last 12 months (0 to "
                                             "1)", "example": "0.8000"})


class CompanyPatchArgsSchema(Schema):
    name = Text(200)
    country = Country()
    roles = _roles_field()
    address = OptionalText(300)
    city = OptionalText(120)
    postal_code = OptionalText(20)
    phone = OptionalText(40)
    website = fields.Url(allow_none=True, validate=validate.Length(max=300))
    description = OptionalText(5000)
    category_ids = fields.List(Id(), validate=validate.Length(max=50))


class MemberUserSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    user = fields.Nested(MemberUserSchema, required=True)
    role = fields.Enum(MemberRole, by_value=True, required=True)
    joined_at = fields.AwareDateTime(attribute="created_at", required=True)


class InviteArgsSchema(Schema):
    email = _email(required=True)
    role = fields.Enum(MemberRole, by_value=True, required=True)


class InvitationSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    role = fields.Enum(MemberRole, by_value=True, required=True)
    status = fields.String(required=True, metadata={"example": "invited"})
    expires_at = fields.AwareDateTime(required=True)
    created_at = fields.AwareDateTime(required=True)


class MemberPatchArgsSchema(Schema):
    role = fields.Enum(MemberRole, by_value=True, required=True)


# ----- API keys ---------------------------------------------------------------------------


class ApiKeyArgsSchema(Schema):
    name = Text(120, required=True)
    scopes = fields.List(fields.String(validate=validate.OneOf(("read", "write"))),
                         validate=validate.Length(min=1, max=2), load_default=lambda: ["read"])
    expires_at = fields.AwareDateTime(allow_none=True)


class ApiKeySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(attribute="display_prefix", required=True)
    scopes = fields.List(fields.String(), required=True)
    created_at = fields.AwareDateTime(required=True)
    created_by = fields.Nested(MemberUserSchema, allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True)
    last_used_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


class ApiKeyCreatedSchema(ApiKeySchema):
    key = fields.String(required=True, metadata={"description": "shown once; store it now"})


# ----- address book -----------------------------------------------------------------------


class ContactSchema(Schema):
    id = fields.Integer(dump_only=True)
    full_name = Text(200, required=True)
    job_title = OptionalText(120)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = OptionalText(40)


class AddressBookEntryArgsSchema(Schema):
    partner_company_id = Id(allow_none=True)
    name = Text(200, metadata={"description": "Required to create an entry without "
                                              "partner_company_id (whose name it defaults to)"})
    country = Country(allow_none=True)
    address = OptionalText(300)
    website = fields.Url(allow_none=True, validate=validate.Length(max=300))
    notes = OptionalText(5000)
    contacts = fields.List(fields.Nested(ContactSchema), validate=validate.Length(max=50))


class AddressBookEntrySchema(Schema):
    id = fields.Integer(required=True)
    partner_company = fields.Nested(CompanyBriefSchema, allow_none=True)
    name = fields.String(required=True)
    country = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    contacts = fields.List(fields.Nested(ContactSchema), required=True)
    version = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)


class AddressBookQueryArgsSchema(Schema):
    q = fields.String(validate=validate.Length(max=200))


# ----- categories and the back office --------------------------------------------------------


class CategorySchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_zh = fields.String(allow_none=True)
    parent_id = fields.Integer(allow_none=True)


def _category_code(**kwargs) -> fields.String:
    return fields.String(validate=[
        validate.Length(min=1, max=60),
        validate.Regexp(r"^[a-z0-9_.\-]+$",
                        error=str(_l("Lower-case letters, digits, '.', '_' and '-' only.")))],
        **kwargs)


class CategoryArgsSchema(Schema):
    code = _category_code(required=True)
    name = Text(120, required=True)
    name_zh = OptionalText(120)
    parent_id = Id(allow_none=True)
    position = fields.Integer(validate=validate.Range(min=0, max=10_000))


class CategoryPatchArgsSchema(CategoryArgsSchema):
    code = _category_code()
    name = Text(120)


class OperatorCompanySchema(CompanySchema):
    status_reason = fields.String(allow_none=True)
    admins = fields.List(fields.Nested(MemberUserSchema), required=True)


class OperatorCompanyQueryArgsSchema(Schema):
    status = fields.Enum(CompanyStatus, by_value=True)
    q = fields.String(validate=validate.Length(max=200))


class RoleRequestArgsSchema(Schema):
    roles = _roles_field(required=True, metadata={
        "description": "The roles the company asks for (the operator decides)"})


class RoleRequestSchema(Schema):
    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    company_name = fields.String(attribute="company.name", required=True)
    current_roles = fields.List(fields.String(), attribute="company.roles", required=True)
    roles = fields.List(fields.String(), required=True, metadata={
        "description": "The roles asked for"})
    status = fields.Enum(RoleRequestStatus, by_value=True, required=True)
    reason = fields.String(required=True, allow_none=True, metadata={
        "description": "Why the operator declined"})
    created_at = fields.AwareDateTime(required=True)
    decided_at = fields.AwareDateTime(required=True, allow_none=True)


class RoleRequestQueryArgsSchema(Schema):
    status = fields.Enum(RoleRequestStatus, by_value=True)


class DeclineArgsSchema(Schema):
    reason = Text(500, required=True)


class SuspendArgsSchema(Schema):
    reason = Text(500, required=True)


class AuditEventSchema(Schema):
    id = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    actor_user_id = fields.Integer(allow_none=True)
    company_id = fields.Integer(allow_none=True)
    action = fields.String(required=True)
    object_type = fields.String(required=True)
    object_id = fields.Integer(allow_none=True)
    changes = fields.Dict(required=True)


class AuditQueryArgsSchema(Schema):
    action = fields.String(validate=validate.Length(max=80),
                           metadata={"description": "prefix, e.g. 'member.'"})
