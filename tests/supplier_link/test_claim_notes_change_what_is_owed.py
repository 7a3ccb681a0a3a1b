"""The discrepancy loop's notes are money too (issue 17.6): the supplier's credit note
on a claim takes the claimed amount off the invoice of the claimed goods (it was left
unchanged before), and the buyer's payables view, the supplier link's payables view and
the invoice answer all show it."""

from __future__ import annotations


def _claimed(trade):
    order = trade.order(trade.supplier_a, [("A-100", "100", "2.50", None),
                                           ("A-200", "40", "1.00", None)])
    shipment = trade.ship(trade.supplier_a, order, {order.line_ids[0]: "100",
                                                    order.line_ids[1]: "40"})
    invoice = trade.invoice(shipment)  # 290.00
    receipt = trade.api.post("/supplier-link/receipts", trade.buyer.token, json={
        "order_id": order.id, "lines": [
            {"order_line_id": order.line_ids[0], "quantity_received": "90",
             "quantity_rejected": "5", "reason": "damaged"},
            {"order_line_id": order.line_ids[1], "quantity_received": "40"}]})
    [found] = receipt.get_json()["discrepancies"]  # 15 × 2.50 = 37.50 claimed
    case = f"/supplier-link/discrepancies/{found['id']}"
    assert trade.api.post(f"{case}/claim", trade.buyer.token, json={}).status_code == 200
    return invoice, case


def test_a_claims_credit_note_takes_the_claim_off_the_invoice(trade):
    invoice, case = _claimed(trade)
    resolved = trade.api.post(f"{case}/resolve", trade.supplier_a.token,
                              json={"resolution": "credit_note"})
    assert resolved.status_code == 200, resolved.get_json()
    note_id = resolved.get_json()["resolution_document_id"]
    assert trade.api.post(f"/documents/{note_id}/actions/accept", trade.buyer.token,
                          json={}).status_code == 200
    seen = trade.api.get(f"/invoices/{invoice}", trade.buyer.token).get_json()
    assert (seen["amount"], seen["credited"], seen["balance"]) == ("290.00", "37.50", "252.50")
    view = trade.view(trade.supplier_a, "payables").get_json()["items"]
    assert [(row["credited"], row["balance"]) for row in view] == [("37.50", "252.50")]


def test_a_claim_settled_after_full_payment_is_held_for_the_next_invoice(trade):
    invoice, case = _claimed(trade)
    trade.pay(trade.supplier_a, invoice, "290")
    note_id = trade.api.post(f"{case}/resolve", trade.supplier_a.token, json={
        "resolution": "credit_note"}).get_json()["resolution_document_id"]
    assert trade.api.post(f"/documents/{note_id}/actions/accept", trade.buyer.token,
                          json={}).status_code == 200
    paid = trade.api.get(f"/invoices/{invoice}", trade.buyer.token).get_json()
    assert (paid["credited"], paid["balance"]) == ("0.00", "0.00")
    order = trade.order(trade.supplier_a, [("A-100", "10", "2.50", None)])
    next_invoice = trade.invoice(trade.ship(trade.supplier_a, order,
                                            {order.line_ids[0]: "10"}))  # 25.00
    seen = trade.api.get(f"/invoices/{next_invoice}", trade.buyer.token).get_json()
    assert (seen["credited"], seen["balance"]) == ("25.00", "0.00")  # 12.50 still held
