"""What buying requests tell companies (bell, e-mail, webhooks).

``buying_request.published``: a new request in a supplier's categories. Its members
hear of it (bell and mail, each member's e-mail settings respected) when the company
subscribed to the category or one above it; a partner system subscribed to the webhook
event hears of every request its company may answer. ``buying_request.closed``: the
buyer, when its request closed at its date, with the number of answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.buying_requests.models import BuyingRequest
from marketplace.infrastructure.notifications import N_, notify, register_event

register_event("buying_request.published",
               label=_l("A new buying request in your categories"))
register_event("buying_request.closed",
               label=_l("Your buying request closed: compare the quotations"))


def _link(request: BuyingRequest) -> str:
    return f"/buying-requests/{request.id}"


def _payload(request: BuyingRequest) -> dict:
    return {"buying_request_id": request.id, "title": request.title,
            "category_id": request.category_id, "quantity": str(request.quantity),
            "unit": request.unit, "currency": request.currency,
            "target_price": None if request.target_price is None else str(request.target_price),
            "destination_country": request.destination_country,
            "closes_at": request.closes_at.isoformat()}


def tell_published(request: BuyingRequest, company_id: int, *, subscribed: bool) -> None:
    notify("buying_request.published", company_id=company_id,
           user_ids=None if subscribed else [],
           message=N_("New buying request in %(category)s: %(title)s, %(quantity)s %(unit)s "
                      "to %(country)s, open until %(time)s UTC."),
           params={"category": request.category.name, "title": request.title,
                   "quantity": f"{request.quantity.normalize():f}", "unit": request.unit,
                   "country": request.destination_country,
                   "time": request.closes_at.strftime("%Y-%m-%d %H:%M")},
           link=_link(request), payload=_payload(request))


def tell_closed(request: BuyingRequest, answers: int) -> None:
    notify("buying_request.closed", company_id=request.company_id,
           message=N_("Your buying request %(title)s closed with %(count)s quotations: "
                      "compare and award them."),
           params={"title": request.title, "count": answers}, link=_link(request),
           payload={"buying_request_id": request.id, "answers": answers})
