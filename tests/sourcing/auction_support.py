"""A reverse auction for tests: a buyer's rfq (two lines, not sealed) sent to three
suppliers and one left out, and an auction on it that runs from now for an hour with
a starting price of USD 10,000.00, a minimum decrement of USD 50.00 and a five-minute
soft close. ``at(minutes)`` moves the app's clock (``core.types.utcnow``) that many
minutes after the auction's start."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from marketplace.core.types import replayed_clock
from tests.factories import Member

LINES = [{"description": "Aluminium housing AH-40", "sku": "AH-40", "quantity": "1000",
          "unit": "pcs", "unit_price": "8.00"},
         {"description": "Gasket set GS-40", "sku": "GS-40", "quantity": "500", "unit": "pcs",
          "unit_price": "2.00"}]
SUPPLIERS = ("alpha", "beta", "gamma")


@dataclass
class AuctionWorld:
    api: object
    buyer: Member
    suppliers: dict[str, Member]
    outsider: Member
    tokens: dict[str, str]
    rfq: dict
    auction: dict
    starts_at: datetime
    invitations: dict[str, dict] = field(default_factory=dict)

    def post(self, who: str, path: str, **body):
        return self.api.post(path, self.tokens[who], json=body)

    def get(self, who: str, path: str):
        return self.api.get(path, self.tokens[who])

    def bid(self, who: str, amount: str):
        return self.post(who, f"/auctions/{self.auction['id']}/bids", amount=amount)

    def standing(self, who: str) -> dict:
        return ok(self.get(who, f"/auctions/{self.auction['id']}/standing"))

    @contextmanager
    def at(self, minutes: float):
        with replayed_clock() as move_to:
            move_to(self.starts_at + timedelta(minutes=minutes))
            yield


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def build_auction(make, api, *, names: str = "Castings", visibility: str = "rank",
                  minutes: int = 60, soft_close: int = 5, **rule) -> AuctionWorld:
    buyer = make.company_with_admin(f"Rotterdam Robotics {names} BV", roles=("buyer",),
                                    country="NL")
    suppliers = {name: make.company_with_admin(f"{name.title()} {names} Ltd",
                                               roles=("supplier",), country="TW")
                 for name in SUPPLIERS}
    outsider = make.company_with_admin(f"Outsider {names} Foundry", roles=("supplier",),
                                       country="CN")
    tokens = {"buyer": api.token(buyer), "outsider": api.token(outsider),
              **{name: api.token(member) for name, member in suppliers.items()}}
    rfq = ok(api.post("/documents", tokens["buyer"], json={
        "type": "rfq", "recipient_company_ids": [m.company_id for m in suppliers.values()],
        "subject": "Housings for the R40 arm", "currency": "USD", "incoterm": "FOB",
        "delivery_date": "2027-03-01", "lines": LINES}), 201)
    rfq = ok(api.post(f"/documents/{rfq['id']}/actions/send", tokens["buyer"], json={}))
    starts_at = datetime.now(UTC).replace(microsecond=0)
    body = {"rfq_id": rfq["id"], "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(),
            "starting_price": "10000.00", "soft_close_minutes": soft_close,
            "visibility": visibility, **(rule or {"decrement_amount": "50.00"})}
    auction = ok(api.post("/auctions", tokens["buyer"], json=body), 201)
    world = AuctionWorld(api, buyer, suppliers, outsider, tokens, rfq, auction, starts_at)
    for name in SUPPLIERS:
        inbox = ok(api.get("/documents?box=inbox&type=rfq", tokens[name]))["items"]
        world.invitations[name] = inbox[0]
    return world
