"""Trade document schemas: ``...ArgsSchema`` for input (unknown fields rejected, the
engine checks the rest so portal and API say the same), the others for output.
Money and quantities are decimal strings ("1234.50", "100")."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.content.schemas.media import FileField, MultipartArgsSchema
from marketplace.core.pagination import CursorArgsSchema
from marketplace.core.schemas import Country, Currency, Id, OptionalText, Text, money_text
from marketplace.core.schemas import decimal_text as quantity_text
from marketplace.trading.doctypes import INCOTERMS_2020, MAX_LINES, MAX_RECIPIENTS, PAYMENT_TERMS
from marketplace.trading.queries.documents import BOXES
from marketplace.workflow import doctypes
from marketplace.workflow.approvals import DIRECTIONS

ROLES = ("admin", "sales", "purchasing", "approver", "viewer")




class MoneyField(fields.Field):
    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "example": "1234.50"}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return money_text(value)


class QuantityField(fields.Field):
    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "example": "100"}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return quantity_text(value)


def DecimalArg(*, metadata: dict | None = None, **kwargs) -> fields.Decimal:  # noqa: N802
    """A decimal as a string ("12.50") or a JSON number; the engine checks its range."""
    return fields.Decimal(allow_nan=False, metadata={
        "oneOf": [{"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, {"type": "number"}],
        "example": "12.50", **(metadata or {})}, **kwargs)


# ----- input ------------------------------------------------------------------------------


class LineArgsSchema(Schema):
    product_id = Id(allow_none=True)
    sku = OptionalText(64)
    description = OptionalText(5000, metadata={
        "description": "Required unless product_id gives the product's name"})
    quantity = DecimalArg(required=True)
    unit = Text(20)
    unit_price = DecimalArg(allow_none=True)


class HeaderArgsSchema(Schema):
    subject = OptionalText(300)
    currency = Currency()
    incoterm = fields.String(allow_none=True, validate=validate.OneOf(INCOTERMS_2020),
                             metadata={"description": "Incoterms 2020"})
    incoterm_place = OptionalText(120)
    payment_terms = fields.String(allow_none=True, validate=validate.OneOf(tuple(PAYMENT_TERMS)))
    valid_until = fields.Date(allow_none=True)
    delivery_date = fields.Date(allow_none=True)
    port_of_loading = OptionalText(120)
    port_of_discharge = OptionalText(120)
    notes = OptionalText(20_000)
    recipient_company_id = Id(allow_none=True)
    recipient_company_ids = fields.List(Id(), validate=validate.Length(max=MAX_RECIPIENTS),
                                        metadata={"description": "rfq: every supplier invited"})
    lines = fields.List(fields.Nested(LineArgsSchema), validate=validate.Length(max=MAX_LINES))
    closes_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "rfq: the closing time of a sealed request (with its offset); no "
                       "bid's prices are readable before it (kept in ``extras``)"})
    extras = fields.Dict(keys=fields.String(validate=validate.Length(max=40)), allow_none=True,
                         metadata={"description": "The type's own fields (``extra_fields`` "
                                                  "of GET /document-types); PATCH changes "
                                                  "the keys given, null removes one"})


class DocumentArgsSchema(HeaderArgsSchema):
    type = fields.String(required=True, validate=doctypes.OneOfTypes())


class DocumentPatchArgsSchema(HeaderArgsSchema):
    """The fields given change; ``lines`` replaces every line."""


class ActionArgsSchema(Schema):
    comment = OptionalText(5000)
    to_user_id = Id(metadata={"description": "forward: the colleague who takes it"})


class DeriveArgsSchema(Schema):
    type = fields.String(required=True, validate=doctypes.OneOfTypes())


class ProductInquiryArgsSchema(Schema):
    """An inquiry about one product of the catalog; what is left out, the product gives."""

    product_id = Id(required=True, metadata={
        "description": "A product you may see (published, of another company)"})
    subject = OptionalText(300, metadata={"description": "Default: \"Inquiry: <name>\""})
    quantity = DecimalArg(metadata={
        "description": "More than zero; default: the product's minimum order (else 1)"})
    unit = OptionalText(20, metadata={"description": "Default: the product's unit"})
    notes = OptionalText(5000, metadata={"description": "Your message to the supplier"})


class BoxArgsSchema(CursorArgsSchema):
    box = fields.String(load_default="inbox", validate=validate.OneOf(BOXES))
    type = fields.String(validate=doctypes.OneOfTypes())
    status = fields.String(validate=validate.Length(max=30))
    q = fields.String(validate=validate.Length(max=200))
    folder = fields.String(validate=validate.Length(max=60))
    tag = fields.String(validate=validate.Length(max=40))
    mine = fields.Boolean(load_default=False, metadata={
        "description": "Only documents assigned to you"})


class BoxCountsSchema(Schema):
    """Each counted up to 10,000, as the lists' totals are."""

    unread = fields.Integer(required=True)
    unread_assigned_to_me = fields.Integer(required=True)
    drafts = fields.Integer(required=True)
    waiting_for_approval = fields.Integer(required=True)


class PartyStateArgsSchema(Schema):
    folder = OptionalText(60)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                       validate=validate.Length(max=20))
    read = fields.Boolean()
    archived = fields.Boolean()


class NumberingArgsSchema(Schema):
    pattern = fields.String(required=True, allow_none=True,
                            validate=validate.Length(min=1, max=60), metadata={
                                "description": "e.g. QUO-{year}-{seq:05}; null: the default",
                                "example": "QUO-{year}-{seq:05}"})


class ApprovalStepArgsSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf((*ROLES, "department_head")),
                         metadata={"description": "A member role, or department_head (the "
                                                  "head of department_id decides)"})
    department_id = Id(allow_none=True, metadata={
        "description": "With role department_head: the department whose head approves"})


class ApprovalRuleArgsSchema(Schema):
    type = fields.String(required=True, validate=doctypes.OneOfTypes())
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    min_total = DecimalArg(allow_none=True)
    currency = Currency(allow_none=True)
    position = fields.Integer(validate=validate.Range(min=0, max=1000))
    steps = fields.List(fields.Nested(ApprovalStepArgsSchema), required=True,
                        validate=validate.Length(min=1, max=10))


class DispatchRuleArgsSchema(Schema):
    position = fields.Integer(validate=validate.Range(min=0, max=1000))
    type = fields.String(allow_none=True, validate=doctypes.OneOfTypes(also=("service_case",)),
                         metadata={"description": "A document type, or service_case"})
    product_line_id = Id(allow_none=True)
    category_id = Id(allow_none=True)
    sender_country = Country(allow_none=True)
    keyword = OptionalText(100)
    assignee_id = Id(allow_none=True)
    group_id = Id(allow_none=True)
    department_id = Id(allow_none=True, metadata={
        "description": "Route to this department's shared box (instead of a member or a "
                       "group); type service_case routes incoming service cases"})


class DispatchGroupArgsSchema(Schema):
    name = Text(120, required=True)
    member_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=100))
    is_default = fields.Boolean(load_default=False)


# ----- output -----------------------------------------------------------------------------


class CompanyRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country = fields.String(required=True)


class UserRefSchema(Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)


class LineSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    product_id = fields.Integer(allow_none=True)
    sku = fields.String(allow_none=True)
    description = fields.String(required=True)
    quantity = QuantityField(required=True)
    unit = fields.String(required=True)
    unit_price = MoneyField(allow_none=True)
    amount = MoneyField(allow_none=True)
    source_line_id = fields.Integer(allow_none=True)


class TotalsSchema(Schema):
    total = MoneyField(required=True)
    currency = fields.String(required=True)
    lines = fields.Integer(required=True)


class PartyStateSchema(Schema):
    folder = fields.String(allow_none=True)
    tags = fields.List(fields.String(), required=True)
    read = fields.Boolean(required=True)
    archived = fields.Boolean(required=True)


class ApprovalSchema(Schema):
    direction = fields.String(required=True)
    position = fields.Integer(required=True)
    role = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "pending, approved, rejected or withdrawn"})
    decided_by = fields.Nested(UserRefSchema, allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    comment = fields.String(allow_none=True)


class DocumentSummarySchema(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    subject = fields.String(allow_none=True)
    issuer = fields.Nested(CompanyRefSchema, required=True)
    recipient = fields.Nested(CompanyRefSchema, allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    thread_id = fields.Integer(required=True)
    currency = fields.String(required=True)
    total = MoneyField(required=True)
    assigned_to = fields.Nested(UserRefSchema, allow_none=True, metadata={
        "description": "The recipient's member in charge; shown to the recipient only"})
    sent_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    party = fields.Nested(PartyStateSchema, allow_none=True, metadata={
        "description": "Your company's own folder, tags, read and archived state"})


class DocumentSchema(DocumentSummarySchema):
    recipient_company_ids = fields.List(fields.Integer(), metadata={
        "description": "rfq: the suppliers invited"})
    incoterm = fields.String(allow_none=True)
    incoterm_place = fields.String(allow_none=True)
    payment_terms = fields.String(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    delivery_date = fields.Date(allow_none=True)
    port_of_loading = fields.String(allow_none=True)
    port_of_discharge = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    extras = fields.Dict(required=True, metadata={
        "description": "The type's own fields, and what other modules keep (shipment_id)"})
    created_by = fields.Nested(UserRefSchema, allow_none=True)
    lines = fields.List(fields.Nested(LineSchema), required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    acceptance_pending = fields.Boolean(required=True, metadata={
        "description": "Your acceptance waits for your company's approvals"})
    approvals = fields.List(fields.Nested(ApprovalSchema), required=True, metadata={
        "description": "Your company's approval steps on this document"})
    invitations = fields.List(fields.Nested(lambda: DocumentLinkSchema()), metadata={
        "description": "rfq: one invitation per supplier, once sent"})
    attachments = fields.List(fields.Nested(lambda: AttachmentSchema()), required=True,
                              metadata={"description": "The issuer's files (images, PDFs); "
                                        "``url`` downloads one for either party"})
    answered_by = fields.List(fields.Nested(lambda: DocumentLinkSchema()), required=True,
                              metadata={"description": "inquiry, rfq: the quotations that "
                                        "answered it (as far as you see them)"})
    ordered_by = fields.List(fields.Nested(lambda: DocumentLinkSchema()), required=True,
                             metadata={"description": "quotation: the purchase orders that "
                                       "ordered it"})
    order = fields.Nested(lambda: OrderLinkSchema(), allow_none=True, metadata={
        "description": "purchase_order: the order its acceptance opened (fulfillment)"})


class AttachmentUploadArgsSchema(MultipartArgsSchema):
    file = FileField(required=True, metadata={
        "description": "An image (JPEG, PNG, GIF, WebP) or a PDF, recognised by its "
                       "content; too large: 413; another type: 415"})


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.String(required=True)


class DocumentLinkSchema(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)
    recipient = fields.Nested(CompanyRefSchema, allow_none=True)


class OrderLinkSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)


class DocumentEventSchema(Schema):
    id = fields.Integer(required=True)
    action = fields.String(required=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(required=True)
    actor = fields.Nested(UserRefSchema, allow_none=True)
    actor_company_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True, metadata={
        "description": "Who acted when no member did: a guest (name <address>) the "
                       "issuer sent the document to"})
    at = fields.DateTime(required=True)
    comment = fields.String(allow_none=True)


class NumberingSchema(Schema):
    type = fields.String(required=True)
    pattern = fields.String(required=True)
    default = fields.String(required=True)


class ApprovalStepSchema(Schema):
    position = fields.Integer(required=True)
    role = fields.String(required=True)
    department_id = fields.Integer(allow_none=True)


class ApprovalRuleSchema(Schema):
    id = fields.Integer(required=True)
    type = fields.String(required=True)
    direction = fields.String(required=True)
    min_total = MoneyField(allow_none=True)
    currency = fields.String(allow_none=True)
    position = fields.Integer(required=True)
    steps = fields.List(fields.Nested(ApprovalStepSchema), required=True)


class DispatchRuleSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    type = fields.String(allow_none=True)
    product_line_id = fields.Integer(allow_none=True)
    category_id = fields.Integer(allow_none=True)
    sender_country = fields.String(allow_none=True)
    keyword = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    group_id = fields.Integer(allow_none=True)
    department_id = fields.Integer(allow_none=True)


class DispatchGroupSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    member_ids = fields.List(fields.Integer(), required=True)
    is_default = fields.Boolean(required=True)


class ActionDeclarationSchema(Schema):
    name = fields.String(required=True)
    from_states = fields.List(fields.String(), required=True)
    to_state = fields.String(allow_none=True, metadata={
        "description": "null: the status stays (forward, archive)"})
    by = fields.String(required=True, metadata={"description": "issuer, recipient or party"})
    permission = fields.String(required=True)


class DerivationSchema(Schema):
    parent = fields.String(required=True)
    reply = fields.Boolean(required=True, metadata={
        "description": "true: the other side answers; false: the same side follows up"})
    lines = fields.Boolean(required=True)
    parent_states = fields.List(fields.String(), required=True, metadata={
        "description": "The parent's statuses it may be made from; empty: any delivered"})


class DocumentTypeSchema(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)
    issued_by = fields.String(required=True)
    numbering = fields.String(required=True)
    actions = fields.List(fields.Nested(ActionDeclarationSchema), required=True)
    derived_from = fields.List(fields.Nested(DerivationSchema), required=True)
    many_recipients = fields.Boolean(required=True)
    prices_required = fields.Boolean(required=True)
    extra_fields = fields.List(fields.String(), required=True, metadata={
        "description": "The names this type takes in ``extras``"})
