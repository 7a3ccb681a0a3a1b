"""The response-time view reads whole months from the snapshot (crm_response_months) and
the months a period covers in part from the facts: both give the figures computed from
the facts alone (the hand-worked history of tests/crm/speed_support.py)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core.boundary import commit
from marketplace.crm.models.speed import ResponseMonth
from marketplace.crm.queries import speed
from marketplace.extensions import db
from tests.crm.speed_support import (
    FROM,
    TO,
    history,  # noqa: F401 - the fixture
)


def _from_facts(company_id, date_from, date_to):
    return (speed.company_figures(company_id, date_from, date_to),
            speed.monthly_figures(company_id, date_from, date_to),
            speed.member_figures(company_id, date_from, date_to))


def test_whole_months_come_from_the_snapshot(ctx, history):
    assert db.session.query(ResponseMonth).filter_by(company_id=history["s"]).count() > 0
    report = speed.response_times(history["s"], FROM, TO)
    assert report.company.inquiry_to_quotation_hours_p90 == 18.6
    assert (report.company, report.months, report.members) == _from_facts(history["s"], FROM, TO)


def test_a_period_starting_mid_month_reads_that_month_from_the_facts(ctx, history):
    date_from = FROM + timedelta(days=9)
    report = speed.response_times(history["s"], date_from, TO)
    assert (report.company, report.months, report.members) == \
        _from_facts(history["s"], date_from, TO)


def test_the_snapshot_follows_a_refresh(ctx, history):
    from marketplace.crm.operations.speed import refresh_pair

    db.session.query(ResponseMonth).filter_by(company_id=history["s"]).delete()
    refresh_pair(history["s"], history["b"])
    commit()
    report = speed.response_times(history["s"], FROM, TO)
    assert (report.company, report.months, report.members) == _from_facts(history["s"], FROM, TO)
    buyer = speed.response_times(history["b"], FROM, TO, side="buyer")
    assert buyer.company.inquiries == 6
