"""A small market for buying requests: a category tree (Metals > Fasteners, Textiles),
a buyer and another buyer, suppliers of Metals (above), of Fasteners (the request's
own category) and of Textiles (outside), and the operator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company
from tests.factories import Member


@dataclass
class Market:
    api: object
    categories: dict[str, int]
    buyer: Member
    other_buyer: Member
    above: Member  # a supplier of Metals: sees Fasteners' requests
    inside: Member  # a supplier of Fasteners
    outside: Member  # a supplier of Textiles
    operator: Member
    tokens: dict[str, str] = field(default_factory=dict)

    def post(self, who: str, path: str, **body):
        return self.api.post(path, self.tokens[who], json=body)

    def get(self, who: str, path: str):
        return self.api.get(path, self.tokens[who])


def later(days: int = 7) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


def request_body(market: Market, **changes) -> dict:
    body = {"title": "Stainless hex bolts M8x40", "description": "A2-70, DIN 933, boxes of 200",
            "category_id": market.categories["fasteners"], "quantity": "20000", "unit": "pcs",
            "target_price": "0.0420", "currency": "USD", "destination_country": "DE",
            "closes_at": later()}
    body.update(changes)
    return body


def _categories(app) -> dict[str, int]:
    with app.app_context():
        metals = Category(code="br-metals", name="Metals", name_zh="金屬")
        fasteners = Category(code="br-fasteners", name="Fasteners", name_zh="緊固件",
                             parent=metals)
        textiles = Category(code="br-textiles", name="Textiles", name_zh="紡織品")
        db.session.add_all([metals, fasteners, textiles])
        commit()
        return {"metals": metals.id, "fasteners": fasteners.id, "textiles": textiles.id}


def give_categories(app, member: Member, *ids: int) -> None:
    with app.app_context():
        company = db.session.get(Company, member.company_id)
        company.categories = [db.session.get(Category, ident) for ident in ids]
        commit()


def build_market(make, api, app) -> Market:
    categories = _categories(app)
    buyer = make.company_with_admin("Hamburg Hardware GmbH", roles=("buyer",), country="DE")
    other = make.company_with_admin("Lyon Outillage SA", roles=("buyer",), country="FR")
    above = make.company_with_admin("Taichung Metalworks", roles=("supplier",), country="TW")
    inside = make.company_with_admin("Ningbo Fastener Co", roles=("supplier",), country="CN")
    outside = make.company_with_admin("Hangzhou Silk Mill", roles=("supplier",), country="CN")
    give_categories(app, above, categories["metals"])
    give_categories(app, inside, categories["fasteners"])
    give_categories(app, outside, categories["textiles"])
    market = Market(api, categories, buyer, other, above, inside, outside, make.operator())
    market.tokens = {name: api.token(getattr(market, name)) for name in
                     ("buyer", "other_buyer", "above", "inside", "outside")}
    return market


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()
