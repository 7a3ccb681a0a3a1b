"""A sealed rfq for tests: a buyer, three invited suppliers and one left out, bids
through the API (one revised, one with freight), and the clock moved past the closing
time with ``after_closing()`` (the real operations read ``core.types.utcnow``).

Prices are chosen so that every figure a route could show is a number found nowhere
else (``SEALED_MARKS``): a body that shows one (``revealed``) has shown a sealed price."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from marketplace.core.types import replayed_clock
from tests.factories import Member

LINES = [{"description": "Aluminium housing AH-40", "sku": "AH-40", "quantity": "1000",
          "unit": "pcs"},
         {"description": "Gasket set GS-40", "sku": "GS-40", "quantity": "500", "unit": "pcs"}]
# Supplier → (unit prices of the two lines, lead time, freight).
BIDS = {"alpha": (["7.3131", "1.1717"], 30, None),
        "beta": (["6.4242", "1.2929"], 45, None),  # revised below to 6.1919 / 1.2929
        "gamma": (["6.5353", "0.9898"], 20, "1234.56")}
REVISED_BETA = ["6.1919", "1.2929"]
# Every price and line total of the bids, as text: none may show before the closing time.
SEALED_MARKS = ("7.3131", "7313.1", "1.1717", "585.85", "6.4242", "6424.2", "1.2929",
                "646.45", "6.1919", "6191.9", "6.5353", "6535.3", "0.9898", "494.9",
                "1234.56")
# A mark as a number of its own, not digits inside a longer one: an event's time such as
# "02:11:16.191912" holds "6.1919" (the buyer's history of an invitation, which shows no
# price, failed once that way in the whole suite's run). Trailing zeros are the same
# price ("6.19190").
_SHOWN = [(mark, re.compile(rf"(?<![\d.]){re.escape(mark)}(?!0*[1-9])"))
          for mark in SEALED_MARKS]


def revealed(text: str) -> list[str]:
    """The sealed prices and totals ``text`` shows."""
    return [mark for mark, shown in _SHOWN if shown.search(text)]


@dataclass
class Sealed:
    api: object
    buyer: Member
    suppliers: dict[str, Member]
    outsider: Member
    tokens: dict[str, str]
    rfq: dict
    closes_at: datetime
    invitations: dict[str, dict] = field(default_factory=dict)
    bids: dict[str, dict] = field(default_factory=dict)
    first_beta: dict | None = None

    def post(self, who: str, path: str, **body):
        return self.api.post(path, self.tokens[who], json=body)

    def get(self, who: str, path: str):
        return self.api.get(path, self.tokens[who])

    @contextmanager
    def after_closing(self, minutes: int = 1):
        with replayed_clock() as move_to:
            move_to(self.closes_at + timedelta(minutes=minutes))
            yield


def _ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def build_sealed_rfq(make, api, *, bid: bool = True, now: datetime | None = None) -> Sealed:
    buyer = make.company_with_admin("Rotterdam Robotics BV", roles=("buyer",), country="NL")
    suppliers = {name: make.company_with_admin(f"{name.title()} Castings Ltd",
                                               roles=("supplier",), country="TW")
                 for name in BIDS}
    outsider = make.company_with_admin("Outsider Foundry", roles=("supplier",), country="CN")
    tokens = {"buyer": api.token(buyer), "outsider": api.token(outsider),
              **{name: api.token(member) for name, member in suppliers.items()}}
    closes_at = ((now or datetime.now(UTC)) + timedelta(minutes=30)).replace(microsecond=0)
    rfq = _ok(api.post("/documents", tokens["buyer"], json={
        "type": "rfq", "recipient_company_ids": [m.company_id for m in suppliers.values()],
        "subject": "Housings for the R40 arm", "currency": "USD", "incoterm": "FOB",
        "closes_at": closes_at.isoformat(), "delivery_date": "2027-03-01",
        "lines": LINES}), 201)
    rfq = _ok(api.post(f"/documents/{rfq['id']}/actions/send", tokens["buyer"], json={}))
    world = Sealed(api, buyer, suppliers, outsider, tokens, rfq, closes_at)
    for name in BIDS:
        inbox = _ok(api.get("/documents?box=inbox&type=rfq", tokens[name]))["items"]
        world.invitations[name] = inbox[0]
    if bid:
        for name in BIDS:
            world.bids[name] = send_bid(world, name)
        world.first_beta = world.bids["beta"]
        world.bids["beta"] = revise_bid(world, "beta", REVISED_BETA)
    return world


def send_bid(world: Sealed, name: str) -> dict:
    prices, lead_time, freight = BIDS[name]
    token = world.tokens[name]
    quotation = _ok(world.api.post(f"/documents/{world.invitations[name]['id']}/derive", token,
                                   json={"type": "quotation"}), 201)
    lines = [{**line, "unit_price": price} for line, price in zip(LINES, prices, strict=True)]
    extras = {"lead_time_days": lead_time, **({"freight": freight} if freight else {})}
    _ok(world.api.patch(f"/documents/{quotation['id']}", token, json={
        "lines": lines,
        "incoterm": "FOB", "incoterm_place": "Kaohsiung", "payment_terms": "tt",
        "valid_until": "2027-01-31", "extras": extras}))
    return _ok(world.api.post(f"/documents/{quotation['id']}/actions/send", token, json={}))


def revise_bid(world: Sealed, name: str, prices: list[str]) -> dict:
    token = world.tokens[name]
    previous = world.bids[name]
    revised = _ok(world.api.post(f"/documents/{previous['id']}/derive", token,
                                 json={"type": "quotation"}), 201)
    return revised if prices is None else _send_priced(world, name, revised, prices)


def _send_priced(world: Sealed, name: str, document: dict, prices: list[str]) -> dict:
    token = world.tokens[name]
    _ok(world.api.patch(f"/documents/{document['id']}", token, json={
        "lines": [{"description": line["description"], "sku": line["sku"],
                   "quantity": line["quantity"], "unit": line["unit"], "unit_price": price}
                  for line, price in zip(document["lines"], prices, strict=True)]}))
    return _ok(world.api.post(f"/documents/{document['id']}/actions/send", token, json={}))
