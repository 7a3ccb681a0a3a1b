"""Fulfillment listens to the workflow engine: an accepted purchase order opens its
order, an accepted change request or cancellation adjusts it — in the same
transaction as the acceptance, so a refusal here refuses the acceptance too."""

from __future__ import annotations

from marketplace.core.signals import document_transitioned


@document_transitioned.connect
def _on_document_transitioned(document, *, action=None, from_status=None, to_status=None,
                              actor=None, **_ignored) -> None:
    if document.type in ("credit_note", "debit_note") and to_status in ("sent", "accepted"):
        from marketplace.fulfillment.operations import notes

        # Issued: a credit above what is open is refused before it is sent; accepted: it
        # is allocated to the invoices (once), or the acceptance is refused.
        if to_status == "sent":
            notes.check_note(document)
        else:
            notes.settle_note(document, actor)
        return
    if to_status != "accepted":
        return
    from marketplace.fulfillment.operations import orders

    if document.type == "purchase_order":
        orders.create_order_from_purchase_order(document, actor)
    elif document.type == "change_request":
        orders.apply_change_request(document, actor)
    elif document.type == "cancellation":
        orders.apply_cancellation(document, actor)


def _register_papers() -> None:
    """Trading prints the engine's commercial invoice, packing list and shipping advice
    through fulfillment's one template per kind (the same paper as the shipment's)."""
    from marketplace.fulfillment import exports
    from marketplace.trading.exports import register_paper_printer

    for doctype in ("commercial_invoice", "packing_list", "shipping_advice"):
        register_paper_printer(doctype, exports.paper_pdf)


_register_papers()
