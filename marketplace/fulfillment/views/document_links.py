"""Portal: a purchase order's page links to the order its acceptance opened (issue
17.9), through trading's ``document_page.notice`` slot (trading cannot know orders)."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.core import slots
from marketplace.fulfillment import queries
from marketplace.infrastructure.auth import current_actor

_CARD = """<div class="alert alert-success d-flex flex-wrap gap-2 align-items-baseline"
  id="order-link">
  <strong>{{ _('Order') }}</strong>
  <a href="{{ url_for('fulfillment.order', order_id=order.id) }}">{{ order.number }}</a>
  <span class="small">{{ opened }}</span>
</div>"""
# Said here, not in the template string, so pybabel finds them.
_OPENED = _l("opened when this purchase order was accepted")


@slots.fill("document_page.notice")
def _order_of_purchase_order(document) -> Markup | None:
    actor = current_actor()
    if document.type != "purchase_order" or actor is None or actor.company is None \
            or not actor.can("fulfillment.view"):
        return None
    order = queries.order_of_purchase_order(document.id)
    if order is not None and actor.company.id not in (order.buyer_company_id,
                                                      order.supplier_company_id):
        order = None
    if order is None:
        return None
    return Markup(render_template_string(_CARD, order=order, opened=_OPENED))
