"""fulfillment's notice in the operator's office (``core.slots``, so infrastructure
imports no fulfillment): card payments that are switched off, with the settings to set.
Buyers are only told to pay by bank transfer; the setting's name is for the operator."""

from __future__ import annotations

from flask import current_app, render_template

from marketplace.core import slots

# What card payments need: the key to open checkouts, the secret to trust Stripe's
# confirmations (without it no card payment is ever recorded).
CARD_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")


def missing_card_settings() -> list[str]:
    return [name for name in CARD_SETTINGS if not current_app.config.get(name)]


@slots.fill("office.platform_figures")
def card_payments_notice(actor, **_context):
    if actor is None or not actor.is_operator:
        return None
    missing = missing_card_settings()
    if not missing:
        return None
    return render_template("fulfillment/_card_payments_off.html", missing=missing)
