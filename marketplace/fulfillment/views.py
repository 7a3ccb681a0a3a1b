"""Fulfillment portal (placeholder until the pages land)."""

from marketplace.fulfillment import bp


@bp.route("/payables")
def payables():
    return "payables"
