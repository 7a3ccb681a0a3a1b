"""The events fulfillment tells companies about (bell, e-mail, webhooks)."""

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.notifications import register_event

ORDER_CREATED = register_event("order.created", label=_l("An order was opened"))
ORDER_CHANGED = register_event("order.changed",
                               label=_l("An order was merged, split, changed or cancelled"))
SHIPMENT_CREATED = register_event("shipment.created", label=_l("A shipment was booked"))
SHIPMENT_EVENT = register_event("shipment.event", label=_l("A shipment moved on"))
SHIPPING_DOCUMENT = register_event("shipping_document.issued",
                                   label=_l("A shipping document was issued"))
INVOICE_ISSUED = register_event("invoice.issued", label=_l("An invoice was issued"))
PAYMENT_RECEIVED = register_event("payment.received", label=_l("A payment was received"))
INVOICE_NOTED = register_event("invoice.noted",
                               label=_l("A credit or debit note changed what is owed"))
PAYMENT_ADVICE_RECORDED = register_event("payment_advice.recorded",
                                         label=_l("A buyer sent a payment advice"))
PAYMENT_ADVICE_DECIDED = register_event(
    "payment_advice.decided", label=_l("A supplier confirmed or declined a payment advice"))
LETTER_OF_CREDIT = register_event("letter_of_credit.recorded",
                                  label=_l("A supplier recorded a letter of credit"))
