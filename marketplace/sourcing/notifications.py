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


# ----- reverse auctions -------------------------------------------------------------------

register_event("auction.invited", label=_l("A buyer invited you to a reverse auction"))
register_event("auction.outbid", label=_l("Another supplier beat your bid in a reverse "
                                          "auction"), email=False, webhook=False)
register_event("auction.closed", label=_l("A reverse auction you take part in closed"))


def _auction_link(auction_id: int) -> str:
    return f"/sourcing/auctions/{auction_id}"


def tell_invited(auction, supplier_id: int, buyer_name: str, rfq_number: str) -> None:
    notify("auction.invited", company_id=supplier_id,
           message=N_("%(company)s invited you to a reverse auction on %(number)s, from "
                      "%(start)s to %(end)s UTC."),
           params={"company": buyer_name, "number": rfq_number,
                   "start": auction.starts_at.strftime("%Y-%m-%d %H:%M"),
                   "end": auction.ends_at.strftime("%Y-%m-%d %H:%M")},
           link=_auction_link(auction.id),
           payload={"auction_id": auction.id, "number": rfq_number,
                    "starts_at": auction.starts_at.isoformat(),
                    "ends_at": auction.ends_at.isoformat()})


def tell_outbid(auction, supplier_id: int, rfq_number: str) -> None:
    """The bell only (no mail, no webhook): bids come fast, and the page shows it live."""
    notify("auction.outbid", company_id=supplier_id,
           message=N_("Your bid in the reverse auction on %(number)s is no longer the "
                      "lowest. It ends at %(end)s UTC."),
           params={"number": rfq_number, "end": auction.ends_at.strftime("%Y-%m-%d %H:%M")},
           link=_auction_link(auction.id), email=False)


def tell_closed_buyer(auction, rfq_number: str, bidders: int) -> None:
    notify("auction.closed", company_id=auction.buyer_company_id,
           message=N_("The reverse auction on %(number)s closed with %(count)s bidding "
                      "suppliers; the final bids are ready to award."),
           params={"number": rfq_number, "count": bidders},
           link=_auction_link(auction.id),
           payload={"auction_id": auction.id, "number": rfq_number, "bidders": bidders,
                    "best_amount": str(auction.best_amount)
                    if auction.best_amount is not None else None,
                    "currency": auction.currency})


def tell_closed_bidder(auction, supplier_id: int, rfq_number: str, rank: int | None) -> None:
    if rank is None:
        message = N_("The reverse auction on %(number)s closed; you placed no bid.")
    else:
        message = N_("The reverse auction on %(number)s closed; your final bid ranked "
                     "%(rank)s. The buyer awards next.")
    notify("auction.closed", company_id=supplier_id, message=message,
           params={"number": rfq_number, "rank": rank or 0},
           link=_auction_link(auction.id),
           payload={"auction_id": auction.id, "number": rfq_number, "rank": rank})
