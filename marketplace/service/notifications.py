"""What service cases tell people: the other side of a case hears of its opening, each
message, its resolution, closing and reopening (the bell, mail unless turned off, and
the company's webhooks ``service_case.*``). A case to the operator tells the platform's
operators (bell and mail, no webhook); the operator's answers tell the opener."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.notifications import N_, notify, notify_operators, register_event

OPENED, MESSAGE, RESOLVED, CLOSED, REOPENED = (
    "service_case.opened", "service_case.message", "service_case.resolved",
    "service_case.closed", "service_case.reopened")
FOR_OPERATOR = "service_case.for_operator"
register_event(OPENED, label=_l("A company opened a service case with your company"))
register_event(MESSAGE, label=_l("A message in one of your service cases"))
register_event(RESOLVED, label=_l("A service case was resolved"))
register_event(CLOSED, label=_l("A service case was closed"))
register_event(REOPENED, label=_l("A service case was reopened"))
register_event(FOR_OPERATOR, label=_l("A service case for the operator"), webhook=False,
               operators=True)

TEXTS = {
    OPENED: N_("%(company)s opened service case %(number)s: %(subject)s"),
    MESSAGE: N_("%(company)s wrote in service case %(number)s: %(excerpt)s"),
    RESOLVED: N_("%(company)s resolved service case %(number)s: %(subject)s"),
    CLOSED: N_("%(company)s closed service case %(number)s: %(subject)s"),
    REOPENED: N_("%(company)s reopened service case %(number)s: %(subject)s"),
}
EXCERPT = 120
OPERATOR_NAME = "Marketplace operator"


def portal_link(case_id: int) -> str:
    return f"/service-cases/{case_id}"


def case_number(case) -> str:
    return f"SC-{case.id:05d}"


def tell(event: str, case, *, by_company_id: int | None, by_name: str,
         excerpt: str = "") -> None:
    """Tell the side of ``case`` that did not act (inside the transaction: the bell,
    mails and webhooks go out after commit)."""
    text = " ".join(excerpt.split())
    params = {"company": by_name, "number": case_number(case), "subject": case.subject,
              "excerpt": text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"}
    payload = {"service_case_id": case.id, "number": case_number(case), "type": case.type,
               "priority": case.priority, "status": case.status, "subject": case.subject,
               "from_company_id": by_company_id, "document_id": case.document_id,
               "order_id": case.order_id}
    other = case.company_id if by_company_id != case.company_id else case.counterparty_company_id
    if other is None:  # the operator's side
        notify_operators(FOR_OPERATOR, company_id=case.company_id, message=TEXTS[event],
                         params=params, link=portal_link(case.id))
        return
    notify(event, company_id=other, message=TEXTS[event], params=params,
           link=portal_link(case.id), payload={"event": event, **payload})
