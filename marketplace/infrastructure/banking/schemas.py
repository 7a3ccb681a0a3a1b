"""Bank details in and out of the API (unknown fields refused). The checks of SWIFT/BIC
and IBAN are the operation's, so the portal and the API say the same."""

from __future__ import annotations

from marshmallow import Schema, fields

from marketplace.core.schemas import OptionalText, Text


class BankDetailsArgsSchema(Schema):
    beneficiary_name = Text(200, required=True, metadata={
        "description": "The account holder, as the bank knows it"})
    beneficiary_address = OptionalText(300)
    bank_name = Text(200, required=True)
    bank_address = OptionalText(300)
    swift_bic = Text(20, required=True, metadata={
        "description": "8 or 11 characters; spaces are ignored", "example": "DEUTDEFF"})
    account_number = OptionalText(60, metadata={"description": "Required without an IBAN"})
    iban = OptionalText(50, metadata={
        "description": "Checked by its country's length and checksum; spaces are ignored",
        "example": "DE89 3704 0044 0532 0130 00"})
    currency = OptionalText(3, metadata={"description": "The account's currency (ISO 4217)"})
    intermediary_bank_name = OptionalText(200)
    intermediary_swift_bic = OptionalText(20)
    instructions = OptionalText(1000, metadata={
        "description": "Printed under the details, e.g. which reference to quote"})


class BankDetailsSchema(Schema):
    company_id = fields.Integer()
    beneficiary_name = fields.String()
    beneficiary_address = fields.String(allow_none=True)
    bank_name = fields.String()
    bank_address = fields.String(allow_none=True)
    swift_bic = fields.String()
    account_number = fields.String(allow_none=True)
    iban = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    intermediary_bank_name = fields.String(allow_none=True)
    intermediary_swift_bic = fields.String(allow_none=True)
    instructions = fields.String(allow_none=True)
    version = fields.Integer()
    updated_at = fields.DateTime()
