"""Demo data of the back office, loaded by `flask seed-demo` after every other module's:
three reports waiting for the operator's moderation (a bolt reported as counterfeit, a
towel as misleading, a bulletin for another reason), made through the operations as the
reporting members would have sent them."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.backoffice import operations, queries
from marketplace.backoffice.models import ContentReport
from marketplace.extensions import db
from marketplace.infrastructure.auth import bind_actor, ensure_may_act
from marketplace.infrastructure.models import Company, CompanyStatus, Membership, User

REPORTS = [
    ("product", "HB-M8-30", "counterfeit",
     "The head marking looks like a brand this supplier does not make."),
    ("product", "TW-700-WH", "misleading",
     "The photo shows 700 gsm, the description says 550 gsm."),
    ("bulletin", None, "other", "This offer was posted three times this week."),
]


def _reporters() -> list[User]:
    """Admins of active buying companies, the demo's buyers first."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .join(Company, Company.id == Membership.company_id)
        .where(Company.is_buyer.is_(True), Company.status == CompanyStatus.ACTIVE)
        .order_by(Company.id, User.id).limit(10)))


def load_demo(password: str) -> None:
    """Once: nothing when reports exist already or nothing fits."""
    if db.session.scalar(select(func.count()).select_from(ContentReport)):
        return
    reporters = _reporters()
    for index, (kind, sku, reason, text) in enumerate(REPORTS):
        target = queries.demo_report_target(kind, sku)
        if target is None:
            continue
        for user in reporters[index:] + reporters[:index]:
            if user.company is not None and user.company.id != target.company_id:
                actor = ensure_may_act(user)
                bind_actor(actor)
                try:
                    operations.report_content(user, user.company, kind, target.id, reason, text)
                finally:
                    bind_actor(None)
                break
