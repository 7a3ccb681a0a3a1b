"""The shared-world harness (tests/worlds.py): a case starts from the world as built,
whatever the case before it wrote (through requests, factories or db.engine), and a
test that does not share the world starts from empty tables."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.infrastructure.models import Company, MemberRole, Membership
from tests import worlds
from tests.worlds import shared_world


@shared_world
def world(make):
    return make.company_with_admin("World Co")


def _companies(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [(c.name, c.city) for c in db.session.scalars(select(Company).order_by(Company.id))]


@pytest.mark.parametrize("case", range(3))
def test_each_case_starts_from_the_world_as_built(app, api, make, world, case):
    assert _companies(app) == [("World Co", None)]
    token = api.token(world)
    patched = api.patch(f"/companies/{world.company_id}", token, json={"city": f"City {case}"})
    assert patched.status_code == 200, patched.get_json()
    make.company(f"Extra {case}")
    # db.engine.begin(), as the Idempotency-Key claim does: undone with the rest.
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE companies SET country = 'JP'"))
    assert _companies(app) == [("World Co", f"City {case}"), (f"Extra {case}", None)]


def test_a_test_without_the_world_starts_empty(app):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_the_world_is_built_again_after_it_went(app, world):
    with app.app_context():
        [(name, country)] = db.session.execute(select(Company.name, Company.country)).all()
    assert (name, country) == ("World Co", "TW")


def test_emptied_tables_leave_the_foreign_keys_checked(app, make):
    """Emptying the tables (SQLite: with the foreign keys off while the rows go) gives the
    app's connections back with every reference checked, on both databases."""
    make.company_with_admin("Keelung Bolts")
    with app.app_context():
        db.session.remove()
        worlds.empty_tables()
    operator = make.operator()  # a user without a company
    with app.app_context():
        db.session.add(Membership(company_id=4242, user_id=operator.user_id,
                                  role=MemberRole.VIEWER))
        with pytest.raises(IntegrityError) as refused:
            db.session.flush()
        db.session.rollback()
    assert "foreign key" in str(refused.value).lower()


def _tables_with_rows() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables
            if db.session.scalar(select(func.count()).select_from(table))]


def test_emptying_leaves_no_row_in_any_table_and_ids_start_again(app, make, api):
    """Rows in many tables (a trade document with its lines, parties, events, audit and
    notifications), in two rounds (on PostgreSQL a connection makes its emptying function
    once and calls it again): every table is empty after each emptying, and the next
    company is number 1 again."""
    for round_ in range(2):
        admin = make.company_with_admin(f"Keelung Bolts {round_}")
        buyer = make.company_with_admin(f"Nordic Tools {round_}", roles=("buyer",))
        created = api.post("/documents", api.token(buyer), json={
            "type": "inquiry", "recipient_company_id": admin.company_id,
            "subject": "M8 bolts", "currency": "USD",
            "lines": [{"description": "Hex bolt M8x30", "quantity": "5000"}]})
        assert created.status_code == 201, created.get_json()
        with app.app_context():
            assert {"companies", "documents", "document_lines"} <= set(_tables_with_rows())
            db.session.remove()
            worlds.empty_tables()
            assert _tables_with_rows() == []
        assert make.company(f"First again {round_}") == 1
