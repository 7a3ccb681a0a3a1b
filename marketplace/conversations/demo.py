"""The demo conversation ``flask seed-demo`` loads: before ordering more, Northwind
Retail asks Taiwan Precision Fasteners about samples in a retail box; the supplier
answers (in Chinese and English, as its sales manager writes); Northwind has not read
the answer yet, so the Messages icon carries its count. Made through the operations,
as the two companies' members would have written it."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.conversations import operations
from marketplace.conversations.models import Conversation
from marketplace.extensions import db
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import Company, User
from marketplace.trading.queries.products import products_by_sku

BUYER, SUPPLIER = "Northwind Retail Inc.", "Taiwan Precision Fasteners"


def _actor(email: str):
    user = db.session.scalar(select(User).where(User.email == email))
    return ensure_may_act(user) if user is not None else None


def load_demo_conversation() -> Conversation | None:
    """Once (None when conversations exist already or a party is missing)."""
    buyer = db.session.scalar(select(Company).where(Company.name.contains(BUYER)))
    supplier = db.session.scalar(select(Company).where(Company.name.contains(SUPPLIER)))
    james, lin = _actor("james@northwind.example.com"), _actor("lin@tpf.example.com")
    if None in (buyer, supplier, james, lin) or db.session.scalar(
            select(func.count()).select_from(Conversation)):
        return None
    bolt = products_by_sku(supplier.id).get("HB-M8-30")
    conversation = operations.start_conversation(
        james, supplier.id, "Before we order the autumn range: could you send 20 samples of "
        "the M8×30 bolts packed in a retail box of 50, with our logo on the lid?",
        product_id=bolt.id if bolt else None)
    operations.mark_read(conversation, lin)
    operations.post_message(conversation, lin, "可以。樣品週五以快遞寄出。\nYes: the samples "
                            "leave on Friday by courier; the box artwork follows for your "
                            "approval.")
    return conversation
