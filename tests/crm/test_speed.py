"""Trade speed from the documents' own timestamps: a small history whose medians,
90th percentiles, response and win rates are worked out by hand below.

Supplier S answers buyer B's inquiries (members M1 and M2 in charge):

    inquiry  sent         first quotation  hours  member
    I1       Mar 2 08:00  Mar 2 10:00        2    M1   (a revision follows on Mar 4)
    I2       Mar 3 08:00  Mar 3 14:00        6    M1
    I3       Mar 10 08:00 Mar 11 08:00      24    M2
    I4       Apr 1 08:00  Apr 1 12:00        4    M2
    I5       Apr 2 08:00  never              -    M2
    I0       Mar 4 08:00  cancelled by B: left out

inquiry → quotation, sorted 2 4 6 24: median (4+6)/2 = 5; p90 at 0.9×3 = 2.7 →
6 + 0.7×(24−6) = 18.6; answered 4 of 5 = 0.8.
March 2 6 24: median 6, p90 at 1.8 → 6 + 0.8×18 = 20.4; April 4: median 4, rate 1/2.
M1 2 6: median 4, p90 2 + 0.9×4 = 5.6; M2 4 24: median 14, p90 4 + 0.9×20 = 22, rate 2/3.

Purchase orders: P1 (thread I1, from the revision) sent Mar 5 08:00, accepted Mar 5
20:00 (12 h), its packing list Mar 7 20:00 (48 h after acceptance); P2 (thread I3)
sent Mar 20 08:00, accepted Mar 21 08:00 (24 h), no papers yet.
inquiry → order days: I1 3, I3 10 → median 6.5, p90 3 + 0.9×7 = 9.3.
PO → accepted 12 24 → median 18, p90 12 + 0.9×12 = 22.8; accepted → papers 48.
Quotations: Q1, Q1b, Q3 won (an order followed in their thread), Q2, Q4 not → 3/5 = 0.6.

Another supplier S2 answers B's inquiry I6 (Mar 15) in 1 hour: the platform's
inquiry → quotation is 1 2 4 6 24 → median 4, p90 at 3.6 → 6 + 0.6×18 = 16.8, rate 5/6.
"""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.core.boundary import commit
from marketplace.crm.operations.speed import refresh_response_facts
from marketplace.crm.queries import speed
from tests.crm.speed_support import accept, at, document, order_with_papers

FROM, TO = date(2026, 3, 1), date(2026, 4, 30)


@pytest.fixture
def history(app, make):
    s = make.company("Speedy Supplier", roles=("supplier",))
    s2 = make.company("Other Supplier", roles=("supplier",))
    b = make.company("Buyer One", roles=("buyer",))
    m1 = make.member(s, "sales", full_name="Ann Answer")
    m2 = make.member(s, "sales", full_name="Ben Later")
    bm = make.member(b, "purchasing", full_name="Bea Buyer")
    with app.test_request_context():
        def inquiry(month, day, member, supplier=s, status="sent"):
            return document("inquiry", b, supplier, at(month, day), created_by=bm.user_id,
                            assigned_to=member.user_id, status=status)

        def quote(parent, moment, member):
            issuer = parent.issuer_company_id if parent.type == "quotation" else \
                parent.recipient_company_id
            return document("quotation", issuer, b, moment,
                            parent=parent, created_by=member.user_id)

        i1 = inquiry(3, 2, m1)
        q1 = quote(i1, at(3, 2, 10), m1)
        q1b = quote(q1, at(3, 4, 9), m1)
        i2 = inquiry(3, 3, m1)
        quote(i2, at(3, 3, 14), m1)
        i3 = inquiry(3, 10, m2)
        q3 = quote(i3, at(3, 11, 8), m2)
        i4 = inquiry(4, 1, m2)
        quote(i4, at(4, 1, 12), m2)
        inquiry(4, 2, m2)
        inquiry(3, 4, m1, status="cancelled")
        draft = quote(i4, None, m2)  # a draft quotation counts nowhere
        assert draft.sent_at is None
        p1 = document("purchase_order", b, s, at(3, 5), parent=q1b, created_by=bm.user_id,
                      assigned_to=m1.user_id)
        accept(p1, at(3, 5, 20), m1.user_id)
        order_with_papers(p1, None, at(3, 7, 20))
        p2 = document("purchase_order", b, s, at(3, 20), parent=q3, created_by=bm.user_id,
                      assigned_to=m2.user_id)
        accept(p2, at(3, 21, 8), m2.user_id)
        order_with_papers(p2, None, None)
        i6 = document("inquiry", b, s2, at(3, 15), created_by=bm.user_id)
        quote(i6, at(3, 15, 9), m1)  # issued by s2's side: the issuer is what counts
        refresh_response_facts()
        commit()
    return {"s": s, "s2": s2, "b": b, "m1": m1, "m2": m2, "bm": bm}


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
    assert (march.month, april.month) == ("2026-03", "2026-04")
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
    april = speed.company_figures(history["s"], date(2026, 4, 1), date(2026, 4, 30))
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
