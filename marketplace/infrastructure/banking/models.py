"""A company's bank account for T/T: one per company, edited by its administrators."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.models import TimestampMixin, VersionedMixin
from marketplace.extensions import db

# The fields a person fills in, in the order a bank form asks for them.
FIELDS = ("beneficiary_name", "beneficiary_address", "bank_name", "bank_address",
          "swift_bic", "account_number", "iban", "currency", "intermediary_bank_name",
          "intermediary_swift_bic", "instructions")


class CompanyBankAccount(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "company_bank_accounts"
    __label__ = "Bank details"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            unique=True)
    beneficiary_name: Mapped[str] = mapped_column(String(200))
    beneficiary_address: Mapped[str | None] = mapped_column(String(300))
    bank_name: Mapped[str] = mapped_column(String(200))
    bank_address: Mapped[str | None] = mapped_column(String(300))
    swift_bic: Mapped[str] = mapped_column(String(11))
    account_number: Mapped[str | None] = mapped_column(String(40))
    iban: Mapped[str | None] = mapped_column(String(34))
    currency: Mapped[str | None] = mapped_column(String(3))  # the account's, if one
    intermediary_bank_name: Mapped[str | None] = mapped_column(String(200))
    intermediary_swift_bic: Mapped[str | None] = mapped_column(String(11))
    # e.g. "Quote the invoice number as the payment reference."
    instructions: Mapped[str | None] = mapped_column(Text)

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.company_id == company_id

    @property
    def iban_grouped(self) -> str | None:
        """As printed: groups of four ("DE89 3704 0044 0532 0130 00")."""
        if not self.iban:
            return None
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))
