"""Trade speed figures worked out by hand: the history is described in
tests/crm/speed_support.py."""

from __future__ import annotations

import pytest

from marketplace.core.boundary import commit
from marketplace.crm.queries import speed
from tests.crm.speed_support import (
    APRIL,
    FROM,
    MONTHS,
    TO,
    history,  # noqa: F401 - the fixture
)


def test_company_medians_p90_and_rates_are_the_hand_computed_ones(ctx, history):
    figures = speed.company_figures(history["s"], FROM, TO)
    assert figures.inquiries == 5 and figures.inquiries_answered == 4
    assert figures.response_rate == 0.8
    assert figures.inquiry_to_quotation_hours_median == 5.0
    assert figures.inquiry_to_quotation_hours_p90 == 18.6
    assert figures.inquiry_to_order_days_median == 6.5
    assert figures.inquiry_to_order_days_p90 == 9.3
    assert figures.purchase_orders == 2
    assert figures.po_to_accepted_hours_median == 18.0
    assert figures.po_to_accepted_hours_p90 == 22.8
    assert figures.po_to_documents_hours_median == 48.0
    assert figures.po_to_documents_hours_p90 == 48.0
    assert (figures.quotations, figures.quotations_won) == (5, 3)
    assert figures.quotation_win_rate == 0.6


def test_per_month_rows_cover_the_period(ctx, history):
    march, april = speed.monthly_figures(history["s"], FROM, TO)
    assert (march.month, april.month) == MONTHS
    assert march.inquiry_to_quotation_hours_median == 6.0
    assert march.inquiry_to_quotation_hours_p90 == 20.4
    assert april.inquiry_to_quotation_hours_median == 4.0
    assert april.response_rate == 0.5
    assert april.purchase_orders == 0 and april.po_to_accepted_hours_median is None


def test_per_member_rows(ctx, history):
    rows = {row.member_name: row for row in speed.member_figures(history["s"], FROM, TO)}
    assert set(rows) == {"Ann Answer", "Ben Later"}
    assert rows["Ann Answer"].inquiry_to_quotation_hours_median == 4.0
    assert rows["Ann Answer"].inquiry_to_quotation_hours_p90 == 5.6
    assert rows["Ben Later"].inquiry_to_quotation_hours_median == 14.0
    assert rows["Ben Later"].inquiry_to_quotation_hours_p90 == 22.0
    assert rows["Ben Later"].response_rate == 0.6667


def test_platform_median_counts_every_supplier(ctx, history):
    platform = speed.platform_figures(FROM, TO, fresh=True)
    assert platform.inquiry_to_quotation_hours_median == 4.0
    assert platform.inquiry_to_quotation_hours_p90 == 16.8
    assert platform.inquiries == 6 and platform.response_rate == 0.8333


def test_buyer_side_sees_how_fast_it_is_answered(ctx, history):
    figures = speed.company_figures(history["b"], FROM, TO, side="buyer")
    assert figures.inquiries == 6
    assert figures.inquiry_to_quotation_hours_median == 4.0
    # the supplier side of a pure buyer is empty
    assert speed.company_figures(history["b"], FROM, TO).inquiries == 0


def test_period_limits_the_facts(ctx, history):
    april = speed.company_figures(history["s"], APRIL, TO)
    assert april.inquiries == 2 and april.inquiry_to_quotation_hours_median == 4.0


def test_refreshing_one_pair_keeps_the_others(ctx, history):
    from marketplace.crm.operations.speed import refresh_pair

    refresh_pair(history["s2"], history["b"])
    commit()
    assert speed.company_figures(history["s"], FROM, TO).inquiries == 5
    assert speed.company_figures(history["s2"], FROM, TO).inquiry_to_quotation_hours_median == 1.0


def test_percentile_is_percentile_cont():
    assert speed.percentile([], 0.5) is None
    assert speed.percentile([7.0], 0.9) == 7.0
    assert speed.percentile([1.0, 2.0, 4.0, 6.0, 24.0], 0.9) == pytest.approx(16.8)


def test_cli_command_recomputes_every_fact(app, history):
    # 6 inquiries × 2 measures, 2 orders × 2 measures, 6 quotations (5 of S, 1 of S2)
    result = app.test_cli_runner().invoke(args=["crm", "speed"])
    assert result.exit_code == 0, result.output
    assert "22 trade speed facts written" in result.output


def test_refreshing_one_thread_rewrites_only_its_facts(ctx, history):
    from sqlalchemy import func, select

    from marketplace.crm.models.speed import ResponseFact
    from marketplace.crm.operations.speed import refresh_threads
    from marketplace.extensions import db

    thread = db.session.scalar(select(ResponseFact.thread_id).where(
        ResponseFact.measure == "po_to_accepted").order_by(ResponseFact.started_at))
    before = db.session.scalar(select(func.count()).select_from(ResponseFact))
    # I1's thread: 2 inquiry facts, 2 quotations, 2 order facts
    assert refresh_threads([thread]) == 6
    commit()
    assert db.session.scalar(select(func.count()).select_from(ResponseFact)) == before
    assert speed.company_figures(history["s"], FROM, TO).inquiry_to_quotation_hours_p90 == 18.6
