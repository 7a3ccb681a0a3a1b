"""Demo data of the buying requests module, loaded by `flask seed-demo` last.

- Taiwan Precision Fasteners listens to Fasteners, Anatolia Home Textiles to Fabrics
  (category alerts), so the requests below reached their bells.
- Northwind Retail: "Stainless hex bolts M8×30, A2-70" (Fasteners, 50,000 pcs, target
  USD 0.045, to the US, open ten more days), answered by Taiwan Precision Fasteners;
  "Garden hose reels, wall-mounted" kept as a draft.
- Hanse Import: "Cotton canvas 12 oz, natural" (Fabrics, 8,000 m, target EUR 3.20, to
  Germany, open two more weeks), waiting for Anatolia's answer.

Made through the module's operations, as the members would have made them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.buying_requests import operations
from marketplace.buying_requests.models import BuyingRequest
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import Category, User

SUBSCRIPTIONS = {"lin@tpf.example.com": ["hardware.fasteners"],
                 "elif@anatolia.example.com": ["apparel.fabrics"]}
# (member, title, category, quantity, unit, target, currency, country, days open, publish)
REQUESTS = [
    ("james@northwind.example.com", "Stainless hex bolts M8×30, A2-70", "hardware.fasteners",
     "50000", "pcs", "0.045", "USD", "US", 10, True,
     "DIN 933, full thread, boxes of 500, mill certificate 3.1."),
    ("anna@hanse.example.com", "Cotton canvas 12 oz, natural", "apparel.fabrics", "8000", "m",
     "3.20", "EUR", "DE", 14, True, "150 cm wide, OEKO-TEX Standard 100, rolls of 50 m."),
    ("james@northwind.example.com", "Garden hose reels, wall-mounted", "home.garden", "1200",
     "pcs", None, "USD", "US", 21, False, "For 30 m of 1/2\" hose, powder-coated steel."),
]


def _actor(email: str):
    user = db.session.scalar(select(User).where(User.email == email))
    return ensure_may_act(user) if user is not None else None


def _category(code: str) -> int | None:
    return db.session.scalar(select(Category.id).where(Category.code == code))


def load_demo(password: str) -> None:
    """Subscriptions, three requests (one draft), one answered; skipped when present."""
    if db.session.scalar(select(BuyingRequest.id).limit(1)) is not None:
        return
    for email, codes in SUBSCRIPTIONS.items():
        actor = _actor(email)
        if actor is not None:
            operations.set_subscriptions(actor, [c for c in map(_category, codes) if c])
    made = []
    for (email, title, code, quantity, unit, target, currency, country, days, publish,
         description) in REQUESTS:
        actor, category_id = _actor(email), _category(code)
        if actor is None or category_id is None:
            continue
        made.append(operations.create_request(actor, {
            "title": title, "description": description, "category_id": category_id,
            "quantity": quantity, "unit": unit, "target_price": target, "currency": currency,
            "destination_country": country, "closes_at": utcnow() + timedelta(days=days)},
            publish=publish))
    lin = _actor("lin@tpf.example.com")
    if made and lin is not None:
        operations.answer_request(made[0].id, lin, {
            "unit_price": Decimal("0.0430"), "lead_time_days": 30, "incoterm": "FOB",
            "incoterm_place": "Kaohsiung", "payment_terms": "tt",
            "valid_until": (utcnow() + timedelta(days=30)).date().isoformat(),
            "notes": "Mill certificates with every lot."})
    db.session.flush()
