"""Sourcing's API shapes: the comparison (per line, every bid), the award, and the
difference between two versions of a document. Money as decimal strings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.core.schemas import Id


def _money(**options) -> fields.Decimal:
    return fields.Decimal(as_string=True, allow_none=True, **options)


def _cents(**options) -> fields.Decimal:
    """An auction's amounts: to the cent (the columns keep four places)."""
    return fields.Decimal(as_string=True, allow_none=True, places=2, **options)


# ----- input ------------------------------------------------------------------------------


class AwardItemArgsSchema(Schema):
    line_id = Id(required=True, metadata={"description": "A line of the rfq (comparison)"})
    quotation_id = Id(required=True, metadata={"description": "The winning bid"})


class AwardArgsSchema(Schema):
    awards = fields.List(fields.Nested(AwardItemArgsSchema), required=True,
                         validate=validate.Length(min=1, max=500))
    reason = fields.String(allow_none=True, validate=validate.Length(max=2000),
                           metadata={"description": "Why (kept in the rfq's history; "
                                                    "never shown to suppliers)"})
    disclose = fields.Boolean(load_default=False, metadata={
        "description": "Tell the other bidders, in their regret, how many bid and the "
                       "awarded total (never the names)"})


class ComparisonArgsSchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")))


class DiffArgsSchema(Schema):
    against = Id(allow_none=True, metadata={
        "description": "The version to compare with (default: the document's parent)"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")))


# ----- output -----------------------------------------------------------------------------


class ScorecardFiguresSchema(Schema):
    orders = fields.Integer()
    on_time_rate = _money()
    shortage_rate = _money()
    damage_rate = _money()


class BidCellSchema(Schema):
    quotation_id = fields.Integer()
    quotation_number = fields.String()
    supplier_id = fields.Integer()
    supplier_name = fields.String()
    currency = fields.String()
    quantity = _money()
    unit_price = _money()
    total = _money()
    lead_time_days = fields.Integer(allow_none=True)
    incoterm = fields.String(allow_none=True)
    incoterm_place = fields.String(allow_none=True)
    payment_terms = fields.String(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    freight = _money()
    landed_total = _money()
    landed_unit_cost = _money()
    scorecard = fields.Nested(ScorecardFiguresSchema)
    best_price = fields.Boolean()
    best_landed = fields.Boolean()
    best_lead_time = fields.Boolean()
    awarded = fields.Boolean()


class AwardSchema(Schema):
    quotation_id = fields.Integer()
    supplier_company_id = fields.Integer(data_key="supplier_id")
    purchase_order_id = fields.Integer(allow_none=True)
    awarded_at = fields.DateTime()


class ComparisonLineSchema(Schema):
    line_id = fields.Integer()
    position = fields.Integer()
    description = fields.String()
    sku = fields.String(allow_none=True)
    quantity = _money()
    unit = fields.String()
    required_date = fields.Date(allow_none=True)
    bids = fields.List(fields.Nested(BidCellSchema))
    award = fields.Nested(AwardSchema, allow_none=True)


class ComparisonSchema(Schema):
    rfq_id = fields.Function(lambda c: c.rfq.id)
    number = fields.Function(lambda c: c.rfq.number)
    currency = fields.Function(lambda c: c.rfq.currency)
    closes_at = fields.Function(lambda c: c.request.closes_at.isoformat()
                                if c.request.closes_at else None)
    opened_at = fields.Function(lambda c: c.request.opened_at.isoformat()
                                if c.request.opened_at else None)
    bid_count = fields.Function(lambda c: len(c.bids))
    lines = fields.List(fields.Nested(ComparisonLineSchema))


class AwardResultSchema(Schema):
    purchase_order_ids = fields.List(fields.Integer())


class FieldChangeSchema(Schema):
    field = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class LineDiffSchema(Schema):
    change = fields.String(metadata={"description": "added, removed, changed or same"})
    line_id = fields.Integer(allow_none=True)
    against_line_id = fields.Integer(allow_none=True)
    description = fields.String()
    sku = fields.String(allow_none=True)
    changes = fields.List(fields.Nested(FieldChangeSchema))


class DiffSchema(Schema):
    document_id = fields.Integer()
    number = fields.String()
    against_id = fields.Integer()
    against_number = fields.String()
    changed = fields.Boolean()
    header = fields.List(fields.Nested(FieldChangeSchema))
    lines = fields.List(fields.Nested(LineDiffSchema))
    summary = fields.Dict(keys=fields.String(), values=fields.Integer())


# ----- reverse auctions -------------------------------------------------------------------


class AuctionArgsSchema(Schema):
    rfq_id = Id(required=True, metadata={"description": "The buyer's sent rfq: its lines "
                                                        "are the lot"})
    starts_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "ISO 8601 with offset; default now"})
    ends_at = fields.AwareDateTime(required=True)
    starting_price = fields.Decimal(as_string=True, metadata={
        "description": "The most the first bid may be: the lot's total, rfq currency "
                       "(or start_price)"})
    start_price = fields.Decimal(as_string=True, load_only=True)
    min_decrement = fields.Decimal(as_string=True, load_only=True, metadata={
        "description": "Same as decrement_amount"})
    decrement_amount = fields.Decimal(allow_none=True, as_string=True, metadata={
        "description": "Each bid at least this much below the best (or decrement_percent)"})
    decrement_percent = fields.Decimal(allow_none=True, as_string=True, metadata={
        "description": "Each bid at least this percent of the best below it"})
    soft_close_minutes = fields.Integer(load_default=0, metadata={
        "description": "A bid in the last N minutes moves the end by N (0: never)"})
    visibility = fields.String(load_default="rank",
                               validate=validate.OneOf(("rank", "best", "best_price")),
                               metadata={"description": "rank: bidders see their rank only; "
                                                        "best: also the best amount"})
    supplier_ids = fields.List(Id(), load_default=None, metadata={
        "description": "Invited suppliers of the rfq who bid (default: all of them)"})


class BidArgsSchema(Schema):
    amount = fields.Decimal(required=True, as_string=True, metadata={
        "description": "The lot's total, at most two decimals"})


class AwardAuctionArgsSchema(Schema):
    supplier_id = Id(allow_none=True, metadata={"description": "Default: the best bidder"})
    reason = fields.String(allow_none=True, validate=validate.Length(max=2000))
    disclose = fields.Boolean(load_default=False)


class RankingRowSchema(Schema):
    rank = fields.Integer(allow_none=True)
    supplier_id = fields.Integer()
    supplier_name = fields.String()
    amount = _cents()
    bid_at = fields.DateTime(allow_none=True)
    bids = fields.Integer()
    quotation_id = fields.Integer(allow_none=True)


class AuctionSchema(Schema):
    """One auction as its reader sees it now (``GET /auctions/{id}``, ``/standing``)."""

    id = fields.Integer()
    rfq_id = fields.Integer()
    number = fields.Function(lambda s: s.auction.rfq.number)
    subject = fields.Function(lambda s: s.auction.rfq.subject)
    currency = fields.String()
    state = fields.String(metadata={"description": "scheduled, open, ended or closed"})
    server_time = fields.DateTime()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(metadata={"description": "With the soft-close extensions"})
    scheduled_end_at = fields.DateTime()
    extensions = fields.Integer()
    soft_close_minutes = fields.Integer()
    visibility = fields.String()
    starting_price = _cents()
    decrement_amount = _cents()
    decrement_percent = _cents()
    closed_at = fields.DateTime(allow_none=True)
    role = fields.Function(lambda s: "buyer" if s.ranking is not None else "bidder")
    your_rank = fields.Integer(attribute="rank", allow_none=True)
    your_amount = _cents(attribute="amount")
    your_bids = fields.Integer(attribute="bids")
    best_amount = _cents(metadata={"description": "Null for bidders unless visibility "
                                                  "is best"})
    highest_allowed = _cents(metadata={"description": "The most the next bid may be "
                                                      "(null for bidders under rank)"})
    quotation_id = fields.Integer(allow_none=True, metadata={
        "description": "Bidder, after the close: its final bid as a quotation"})
    bid_count = fields.Integer(allow_none=True, metadata={"description": "Buyer only"})
    ranking = fields.List(fields.Nested(RankingRowSchema), allow_none=True,
                          metadata={"description": "Buyer only: every invited supplier"})


class AuctionListSchema(Schema):
    items = fields.List(fields.Nested(AuctionSchema))


class BidSchema(Schema):
    id = fields.Integer()
    amount = _cents()
    placed_at = fields.DateTime()
    extended_to = fields.DateTime(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    supplier_name = fields.String(allow_none=True)
    member = fields.String(allow_none=True)
    via = fields.String()
    previous_best = _cents()


class BidListSchema(Schema):
    items = fields.List(fields.Nested(BidSchema))


class BidResultSchema(Schema):
    rank = fields.Function(lambda r: r["standing"].rank)
    bid = fields.Nested(BidSchema)
    standing = fields.Nested(AuctionSchema)
