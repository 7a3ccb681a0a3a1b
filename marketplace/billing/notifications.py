"""What billing tells a company's administrators: the plan changed, a payment failed (and
until when the plan holds), the subscription ended, a membership invoice is ready."""

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.models import MemberRole
from marketplace.infrastructure.notifications import register_event

ADMINS = [MemberRole.ADMIN]

PLAN_CHANGED = register_event("billing.plan_changed", label=_l("Your company's plan changed"),
                              roles=ADMINS)
PAYMENT_FAILED = register_event("billing.payment_failed",
                                label=_l("A payment for your company's plan failed"),
                                roles=ADMINS)
CANCELLED = register_event("billing.cancelled",
                           label=_l("Your company's subscription ended"), roles=ADMINS)
INVOICE_ISSUED = register_event("billing.invoice_issued",
                                label=_l("A membership invoice is ready"), roles=ADMINS,
                                email=False)
