"""What sourcing tells companies (bell, e-mail, webhooks): the buyer that its sealed
bids are open, the winners that they were awarded, the others that they were not.

No notice names another supplier, its price or how many bid, unless the buyer chose to
disclose after the award (then the regret says how many bid and the awarded total)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.notifications import N_, notify, register_event
from marketplace.workflow.models import Document

register_event("rfq.opened", label=_l("The sealed bids on your request for quotation "
                                      "were opened"))
register_event("rfq.awarded", label=_l("A buyer awarded you lines of its request for "
                                       "quotation"))
register_event("rfq.regret", label=_l("A request for quotation you answered was awarded "
                                      "to another supplier"))


def _link(document: Document) -> str:
    return f"/trading/documents/{document.id}"


def tell_opened(rfq: Document, bids: int) -> None:
    notify("rfq.opened", company_id=rfq.issuer_company_id,
           message=N_("The bids on %(number)s were opened at the closing time: "
                      "%(count)s bids to compare."),
           params={"number": rfq.number, "count": bids},
           link=f"/sourcing/rfqs/{rfq.id}/comparison",
           payload={"rfq_id": rfq.id, "number": rfq.number, "bids": bids})


def tell_awarded(invitation: Document, buyer_name: str, lines: int) -> None:
    notify("rfq.awarded", company_id=invitation.recipient_company_id,
           message=N_("%(company)s awarded you %(count)s lines of %(number)s; the purchase "
                      "order follows."),
           params={"company": buyer_name, "count": lines, "number": invitation.number},
           link=_link(invitation),
           payload={"rfq_id": invitation.id, "number": invitation.number, "lines": lines})


def tell_regret(invitation: Document, buyer_name: str, disclosure: dict | None) -> None:
    payload = {"rfq_id": invitation.id, "number": invitation.number}
    if disclosure is None:
        message = N_("%(company)s awarded %(number)s to another supplier. Thank you for "
                     "your quotation.")
        params = {"company": buyer_name, "number": invitation.number}
    else:
        message = N_("%(company)s awarded %(number)s to another supplier. Thank you for "
                     "your quotation. %(count)s quotations were received; the awarded "
                     "total was %(total)s %(currency)s.")
        params = {"company": buyer_name, "number": invitation.number, **disclosure}
        payload.update(disclosure)
    notify("rfq.regret", company_id=invitation.recipient_company_id, message=message,
           params=params, link=_link(invitation), payload=payload)
