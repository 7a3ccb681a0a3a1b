"""Portal: a customer's statement of account (supplier): period picker, the lines with
the running balance, the aging of what is open, and the PDF and Excel downloads."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, render_template, request

from marketplace.core.guards import company_actor, permission_required
from marketplace.core.types import utcnow
from marketplace.fulfillment import bp, statements
from marketplace.fulfillment.forms import StatementForm
from marketplace.fulfillment.views import OPERATOR_ONLY_READS, _context


def _form(supplier_id: int) -> StatementForm:
    form = StatementForm(request.args)
    form.buyer_id.choices = [(c.id, c.name) for c in statements.customers(supplier_id)]
    if not form.buyer_id.data and form.buyer_id.choices:
        form.buyer_id.data = form.buyer_id.choices[0][0]
    currencies = statements.currencies_of(supplier_id, form.buyer_id.data or 0) or ["USD"]
    form.currency.choices = [(c, c) for c in currencies]
    if form.currency.data not in currencies:
        form.currency.data = currencies[0]
    today = utcnow().date()
    form.period_to.data = form.period_to.data or today
    form.period_from.data = form.period_from.data or form.period_to.data - timedelta(days=365)
    return form


@bp.route("/statement")
@permission_required("fulfillment.view")
def statement():
    actor = company_actor(OPERATOR_ONLY_READS)
    form = _form(actor.company.id)
    result = None
    if form.buyer_id.data and form.validate():
        result = statements.statement(actor.company, form.buyer_id.data,
                                      period_from=form.period_from.data,
                                      period_to=form.period_to.data,
                                      currency=form.currency.data)
    return render_template("fulfillment/statement.html", form=form, statement=result,
                           line_labels=statements.KIND_LABELS, **_context())


@bp.route("/statement.<any(pdf, xlsx):fmt>")
@permission_required("fulfillment.view")
def statement_file(fmt):
    actor = company_actor(OPERATOR_ONLY_READS)
    form = _form(actor.company.id)
    form.validate()
    result = statements.statement(actor.company, form.buyer_id.data or 0,
                                  period_from=form.period_from.data,
                                  period_to=form.period_to.data, currency=form.currency.data)
    if fmt == "pdf":
        body, media = statements.statement_pdf(result), "application/pdf"
    else:
        body, media = statements.statement_xlsx(result), statements.XLSX_MEDIA_TYPE
    return Response(body, mimetype=media, headers={
        "Content-Disposition": f'attachment; filename="{statements.filename(result, fmt)}"'})
