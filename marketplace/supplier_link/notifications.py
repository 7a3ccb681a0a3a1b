"""The events the supplier link tells companies about (bell, e-mail, webhooks)."""

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.notifications import register_event

GOODS_RECEIVED = register_event("goods_receipt.recorded",
                                label=_l("A buyer recorded goods received from you"))
DISCREPANCY_CLAIMED = register_event(
    "discrepancy.claimed", label=_l("A buyer claimed goods short or rejected, with its "
                                    "comment and photos"))
