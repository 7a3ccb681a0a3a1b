"""The JSON API answers exactly as its OpenAPI document says, checked by machine.

Schemathesis runs every check it has (server errors, status codes, content types, headers
and bodies as documented, invalid input refused, valid input accepted, authentication not
ignored, unsupported methods, ...) over every operation of ``/api/v1/openapi.json``, as
real members of the demo world (``flask seed-demo``: suppliers with catalogs, buyers,
documents, an order with a shipment, an invoice and a payment), so the ids in a path name
records that exist. Then the stateful phase chains operations along the links schemathesis
infers (an id a response gives is the next call's path id).

Bounded for the normal suite (a few minutes a database): API_CONTRACT_EXAMPLES cases an
operation (5), API_CONTRACT_STEPS stateful scenarios a caller (15, of at most 6 calls); a
deeper run: ``API_CONTRACT_EXAMPLES=200 API_CONTRACT_STEPS=50 pytest
tests/test_api_contract.py``.
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection
from schemathesis.config import SchemathesisConfig
from sqlalchemy import text, update

from marketplace.billing.models import LIMIT_COLUMNS, Plan
from marketplace.extensions import db

BASE = "/api/v1"
EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", "5"))
STATEFUL_EXAMPLES = int(os.environ.get("API_CONTRACT_STEPS", "15"))
DEMO_PASSWORD = "Demo-Trade-2026"
# The demo's trade with a shipment, an invoice and a payment (fulfillment/demo.py).
SUPPLIER_EMAIL, BUYER_EMAIL = "elif@anatolia.example.com", "jonas@hanse.example.com"

# A path parameter → the table whose rows it names (the caller's own row where the table
# has a company_id, else the first row).
TABLES = {
    "document_id": "documents", "product_id": "products", "bulletin_id": "bulletins",
    "shipment_id": "shipments", "discrepancy_id": "supplier_link_discrepancies",
    "entry_id": "address_book_entries", "item_id": "factory_tour_items",
    "certification_id": "certifications", "invoice_id": "invoices",
    "member_id": "memberships", "media_id": "media_files", "rule_id": "document_dispatch_rules",
    "order_id": "orders", "invitation_id": "invitations", "key_id": "api_tokens",
    "category_id": "categories", "notification_id": "notifications",
    "delivery_id": "webhook_deliveries", "import_id": "catalog_imports",
    "product_media_id": "product_media", "group_id": "document_dispatch_groups",
    "receipt_id": "goods_receipts", "xref_id": "supplier_link_sku_xrefs",
    "webhook_id": "webhooks",
}
WORDS = {"kind": "commercial-invoice", "action": "send", "type_code": "quotation"}
CASES = [0]  # cases sent, for the summary line (pytest -s)
# Checks left out of one operation, each for a reason schemathesis cannot know.
EXCLUDED = {
    # Multipart fields are all text on the wire: a "negative" caption that is a number in
    # the schema arrives as the text "12", a valid caption, and a certificate's issuer
    # generated as the object {} arrives as the text "{}", so accepting them is right.
    f"POST {BASE}/companies/{{company_id}}/factory-tour": [negative_data_rejection],
    f"POST {BASE}/companies/{{company_id}}/certifications": [negative_data_rejection],
}


@pytest.fixture
def generous_rate_limits(app):
    """Thousands of calls from one address within a minute: the login and registration
    limits would answer 429 to most (documented, but nothing behind them would run)."""
    names = ("RATELIMIT_LOGIN", "RATELIMIT_LOGIN_ADDRESS", "RATELIMIT_REGISTER",
             "RATELIMIT_PASSWORD_RESET")
    saved = {name: app.config[name] for name in names}
    app.config.update({name: "1000000 per hour" for name in names})
    yield
    app.config.update(saved)


class Caller:
    """A member of the demo world with a bearer token, renewed when a case revokes it."""

    def __init__(self, api, email: str):
        self.api, self.email = api, email
        self.token = api.token(email, DEMO_PASSWORD)
        me = api.get("/me", self.token).get_json()
        self.company_id = me["company"]["id"]
        self.user_id = me["user"]["id"]

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def after(self, case, response) -> None:
        if case.method.upper() == "DELETE" and case.path == f"{BASE}/auth/token":
            self.token = self.api.token(self.email, DEMO_PASSWORD)


def _record_ids(caller: Caller) -> dict:
    """One existing record for each path parameter, the caller's own where it can be."""
    ids: dict = dict(WORDS)
    tables = db.metadata.tables  # the schema as created for the run
    conn = db.session.connection()
    for name, table in TABLES.items():
        if table not in tables:
            continue
        found = None
        if "company_id" in tables[table].c:
            found = conn.execute(text(
                f"SELECT id FROM {table} WHERE company_id = :c ORDER BY id"),
                {"c": caller.company_id}).scalar()
        if found is None:
            found = conn.execute(text(f"SELECT id FROM {table} ORDER BY id")).scalar()
        if found is not None:
            ids[name] = found
    buyer = conn.execute(text("SELECT buyer_company_id FROM orders ORDER BY id")).scalar()
    supplier = conn.execute(text("SELECT supplier_company_id FROM orders ORDER BY id")).scalar()
    ids.update(company_id=caller.company_id, buyer_id=buyer, supplier_id=supplier)
    return ids


@pytest.fixture
def world(app, api, generous_rate_limits, demo):
    """The demo world (seeded once for the demo tests, tests/conftest.py; what this test
    writes is rolled back after it)."""
    assert demo.exit_code == 0, demo.output
    with app.app_context():
        # The demo companies' plans would refuse part of what the stateful phase chains
        # (the free plan's ten products, three members) and refuse it only on some of
        # hypothesis's replays: limits are tested in tests/billing; here, none.
        db.session.execute(update(Plan).values(**dict.fromkeys(LIMIT_COLUMNS.values())))
        db.session.commit()
        callers = [Caller(api, SUPPLIER_EMAIL), Caller(api, BUYER_EMAIL)]
        return [(caller, _record_ids(caller)) for caller in callers]


def _path_names(operation) -> list[str]:
    return re.findall(r"{(\w+)}", operation.path)


def _run_operation(operation, world) -> None:
    strategies = []
    for index, (_, ids) in enumerate(world):
        names = _path_names(operation)
        fixed = {name: ids[name] for name in names if name in ids}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(mode, path_parameters=fixed) if fixed \
                else operation.as_strategy(mode)
            strategies.append(st.tuples(st.just(index), strategy))

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              # Bodies built from large schemas take long to draw; that is not a fault.
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(drawn=st.one_of(strategies))
    def run(drawn):
        index, case = drawn
        caller = world[index][0]
        # On the case, so a negative case that only dropped the credentials counts as
        # valid again; and to the call, so the checks know they are the caller's own.
        case.headers = {**(case.headers or {}), **caller.headers()}
        response = case.call_and_validate(headers=caller.headers(),
                                           excluded_checks=EXCLUDED.get(operation.label))
        caller.after(case, response)
        CASES[0] += 1

    run()


def _order(operation) -> tuple:
    """Deletions and revocations last, so the records stay for the other operations."""
    return (operation.method.upper() == "DELETE", "/auth/" in operation.path, operation.label)


# Every check schemathesis has, as it ships, but one expectation: a request the schema
# allows may still break a rule the schema cannot state (a category code that does not
# exist, shipping more than is open, a stale If-Match, a file whose content is not of
# an accepted type), answered 412, 415 or 422 as API.md says; status_code_conformance
# still requires each such answer to be documented.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "412", "415", "422", "429"]}}})


def _schema(app):
    return schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", app, config=CONFIG)


def test_every_operation_answers_as_documented_with_every_check_then_linked(app, world):
    schema = _schema(app)
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_order)
    CASES[0] = 0
    failures = []
    for operation in operations:
        try:
            _run_operation(operation, world)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported below
            failures.append(f"{operation.label}\n{error}")
    print(f"\n{len(operations)} operations, {CASES[0]} cases, {len(failures)} failing")
    # The stateful phase in the same test, from where the first phase left the world.
    for who, name in enumerate(("supplier", "buyer")):
        CASES[0] = 0
        try:
            _run_linked_operations(app, world, who)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported below
            failures.append(f"stateful phase as the {name}\n{error}")
        print(f"stateful phase as the {name}: {CASES[0]} calls")
    if os.environ.get("API_CONTRACT_REPORT"):
        with open(os.environ["API_CONTRACT_REPORT"], "w") as report:
            report.write("\n\n".join(failures))
    assert not failures, f"{len(failures)} of {len(operations)} operations:\n\n" + \
        "\n\n".join(failures)


def _run_linked_operations(app, world, who: int) -> None:
    """The stateful phase: scenarios of calls where a response's ids feed the next call
    (links schemathesis infers from the response schemas and path parameters), every
    check on every step."""
    caller = world[who][0]
    schema = _schema(app)

    # Through schemathesis's auth hook (never cached: a step may revoke the token), so the
    # checks know the credentials are the caller's own and probe without them.
    @schema.auth(refresh_interval=None)
    class AsMember:
        def get(self, case, context):
            return caller.token

        def set(self, case, token, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    class Steps(schema.as_state_machine()):
        # Each scenario starts from the same world: what one scenario wrote would change
        # what the next draws (an id taken, a limit reached), and hypothesis refuses a
        # generation that behaves differently when it replays a scenario.
        def setup(self):
            with app.app_context():
                self.scenario = db.engine._connection.begin_nested()
            self.token = caller.token

        def teardown(self):
            with app.app_context():
                db.session.remove()
            if self.scenario.is_active:
                self.scenario.rollback()
            caller.token = self.token

        def after_call(self, response, case):
            super().after_call(response, case)
            caller.after(case, response)
            CASES[0] += 1

    Steps.run(settings=settings(
        max_examples=STATEFUL_EXAMPLES, stateful_step_count=6, deadline=None,
        derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                               HealthCheck.data_too_large]))
