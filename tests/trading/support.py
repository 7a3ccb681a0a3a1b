"""Trade documents for tests: the parties of a negotiation, documents made through
the API, and a flow run up to an accepted purchase order (fulfillment builds on it).

    trade = Trade.start(make, api)                 # a buyer and a supplier, with tokens
    po = accepted_purchase_order(make, api)        # inquiry → quotation → PO, accepted
    po["id"], po["number"], po.trade.buyer ...
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import Member

LINES = [{"description": "Stainless steel hex bolt M8×30", "sku": "HB-M8-30",
          "quantity": "20000", "unit": "pcs"},
         {"description": "Hex nut M8, zinc plated", "sku": "HN-M8", "quantity": "20000",
          "unit": "pcs"}]
PRICES = ["0.072", "0.012"]


@dataclass
class Trade:
    """A buyer and a supplier company, an admin of each and their tokens."""

    api: object
    buyer: Member
    supplier: Member
    buyer_token: str
    supplier_token: str

    @classmethod
    def start(cls, make, api, *, buyer_name: str = "Hamburg Hardware GmbH",
              supplier_name: str = "Taiwan Precision Fasteners") -> Trade:
        buyer = make.company_with_admin(buyer_name, roles=("buyer",), country="DE")
        supplier = make.company_with_admin(supplier_name, roles=("supplier",), country="TW")
        return cls(api, buyer, supplier, api.token(buyer), api.token(supplier))

    def token(self, side: str) -> str:
        return self.buyer_token if side == "buyer" else self.supplier_token

    def create(self, side: str, type_: str, **fields) -> dict:
        """A draft by ``side`` ("buyer"/"supplier") to the other party."""
        other = self.supplier if side == "buyer" else self.buyer
        body = {"type": type_, "recipient_company_id": other.company_id, "currency": "USD",
                "subject": "M8 fasteners for spring", "lines": LINES, **fields}
        response = self.api.post("/documents", self.token(side), json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def act(self, side: str, document: dict | int, action: str, **body) -> dict:
        document_id = document if isinstance(document, int) else document["id"]
        response = self.api.post(f"/documents/{document_id}/actions/{action}",
                                 self.token(side), json=body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def derive(self, side: str, document: dict | int, type_: str) -> dict:
        document_id = document if isinstance(document, int) else document["id"]
        response = self.api.post(f"/documents/{document_id}/derive", self.token(side),
                                 json={"type": type_})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def patch(self, side: str, document: dict, **fields) -> dict:
        response = self.api.patch(f"/documents/{document['id']}", self.token(side),
                                  json=fields)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def get(self, side: str, document: dict | int) -> dict:
        document_id = document if isinstance(document, int) else document["id"]
        response = self.api.get(f"/documents/{document_id}", self.token(side))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def priced(self, document: dict, prices=PRICES) -> list[dict]:
        return [{"description": line["description"], "sku": line["sku"],
                 "quantity": line["quantity"], "unit": line["unit"], "unit_price": price}
                for line, price in zip(document["lines"], prices, strict=True)]

    def quotation_for(self, inquiry: dict) -> dict:
        """The supplier's priced quotation answering ``inquiry``, sent."""
        quotation = self.derive("supplier", inquiry, "quotation")
        quotation = self.patch("supplier", quotation, lines=self.priced(quotation),
                               incoterm="FOB", incoterm_place="Kaohsiung",
                               payment_terms="tt")
        return self.act("supplier", quotation, "send")


class Flow(dict):
    """A document (its API answer) with the trade it belongs to and its ancestors."""

    trade: Trade
    inquiry: dict
    quotation: dict


def sent_purchase_order(make, api, trade: Trade | None = None) -> Flow:
    trade = trade or Trade.start(make, api)
    inquiry = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    quotation = trade.quotation_for(inquiry)
    trade.act("buyer", quotation, "accept")
    order = trade.act("buyer", trade.derive("buyer", quotation, "purchase_order"), "send")
    flow = Flow(order)
    flow.trade, flow.inquiry, flow.quotation = trade, inquiry, quotation
    return flow


def accepted_purchase_order(make, api, trade: Trade | None = None) -> Flow:
    """inquiry → quotation (accepted) → purchase_order, sent by the buyer and accepted by
    the supplier through the API: the moment fulfillment creates the order."""
    flow = sent_purchase_order(make, api, trade)
    accepted = Flow(flow.trade.act("supplier", flow, "accept"))
    accepted.trade, accepted.inquiry, accepted.quotation = flow.trade, flow.inquiry, \
        flow.quotation
    return accepted
