"""Demo data of the billing module, loaded by `flask seed-demo` after every other module's:
the three plans; Taiwan Precision Fasteners on the paid Standard plan (paid this month,
its membership invoice issued); everyone else on Free, where Northwind Retail already
has the three members Free allows (inviting a fourth is refused with the limit named)
and Anatolia Home Textiles publishes 4 of its 10 products."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.billing import operations, queries
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.infrastructure.models import Company

PAID_DEMO_COMPANY = "臺灣精密扣件股份有限公司 Taiwan Precision Fasteners Co., Ltd."


def load_demo(password: str) -> None:
    operations.ensure_default_plans()
    company = db.session.scalar(select(Company).where(Company.name == PAID_DEMO_COMPANY))
    standard = queries.plan_by_code("standard")
    if company is not None and standard is not None and \
            queries.subscription_of(company.id) is None:
        operations.subscribe_for_demo(company.id, standard,
                                      paid_on=utcnow().date().replace(day=1))
    db.session.flush()
