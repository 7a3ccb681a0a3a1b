"""The membership invoice as PDF, printed like every document (core.printing and
``print/base.html``), in the reader's language."""

from __future__ import annotations

from flask import Response
from flask_babel import force_locale

from marketplace.billing.models import MembershipInvoice
from marketplace.core.printing import render_pdf


def invoice_pdf(invoice: MembershipInvoice, locale: str = "en") -> bytes:
    with force_locale(locale):
        return render_pdf("billing/print/membership_invoice.html", invoice=invoice,
                          company=invoice.company)


def invoice_pdf_response(invoice: MembershipInvoice, locale: str = "en") -> Response:
    response = Response(invoice_pdf(invoice, locale), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
