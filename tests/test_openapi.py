"""The OpenAPI document: valid, complete for the contract's account endpoints, viewable;
and the API answers as it documents (schemathesis over every operation)."""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.extensions import db
from marketplace.infrastructure.models import CompanyStatus
from tests.worlds import rolled_back

BASE = "/api/v1"
PROBLEM = "application/problem+json"

# API.md, "Accounts and companies": (method, path, takes a body, needs authentication).
MULTIPART = "multipart/form-data"
OPTIONAL_BODY = "optional"  # a JSON body that may be left out (an action's comment)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTRACT_OPERATIONS = [
    ("post", "/auth/register", True, False),
    ("post", "/auth/token", True, False),
    ("get", "/me", False, True),
    ("get", "/companies/{company_id}", False, False),  # public profile, token optional
    ("patch", "/companies/{company_id}", True, True),
    ("get", "/companies/{company_id}/members", False, True),
    ("post", "/companies/{company_id}/members", True, True),
    ("get", "/api-keys", False, True),
    ("post", "/api-keys", True, True),
    ("delete", "/api-keys/{key_id}", False, True),
    ("post", "/admin/companies/{company_id}/approve", False, True),
    # Catalog and search (content)
    ("get", "/categories", False, False),
    ("post", "/products", True, True),
    ("get", "/products/{product_id}", False, False),
    ("patch", "/products/{product_id}", True, True),
    ("delete", "/products/{product_id}", False, True),
    ("post", "/products/{product_id}/media", MULTIPART, True),
    ("get", "/search/products", False, False),
    ("get", "/search/companies", False, False),
    ("post", "/catalog/import", MULTIPART, True),
    ("get", "/catalog/export", False, True),
    ("get", "/bulletins", False, False),
    ("post", "/bulletins", True, True),
    # Trade documents (trading, the workflow engine)
    ("post", "/documents", True, True),
    ("get", "/documents", False, True),
    ("get", "/documents/{document_id}", False, True),
    ("patch", "/documents/{document_id}", True, True),
    ("post", "/documents/{document_id}/actions/{action}", OPTIONAL_BODY, True),
    ("post", "/documents/{document_id}/derive", True, True),
    ("get", "/documents/{document_id}/history", False, True),
    # Orders, shipments, receivables (fulfillment)
    ("get", "/orders", False, True),
    ("get", "/orders/{order_id}", False, True),
    ("post", "/orders/merge", True, True),
    ("post", "/orders/{order_id}/split", True, True),
    ("post", "/shipments", True, True),
    ("post", "/shipments/{shipment_id}/events", True, True),
    ("get", "/shipments/{shipment_id}", False, True),
    ("post", "/shipments/{shipment_id}/commercial-invoice", False, True),
    ("get", "/shipments/{shipment_id}/documents/{kind}", False, True),
    ("get", "/receivables", False, True),
    ("post", "/invoices/{invoice_id}/payments", True, True),
    ("post", "/invoices/{invoice_id}/checkout", True, True),
    ("post", "/webhooks/stripe", False, False),
]
# Operations whose success is a file, not JSON: the media types they answer.
FILE_ANSWERS = {"/catalog/export": {XLSX, "text/csv"},
                "/shipments/{shipment_id}/documents/{kind}": {"application/pdf"}}
# Trade documents as files (trading.api_exports).
CONTRACT_OPERATIONS.append(("get", "/documents/{document_id}/export", False, True))
FILE_ANSWERS["/documents/{document_id}/export"] = {
    "application/pdf", XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# A deeper run: OPENAPI_FUZZ_EXAMPLES=300 OPENAPI_FUZZ_MODES=positive,negative
# `make test` runs the suite on SQLite and on PostgreSQL: each run tries 15 cases per
# operation from a seed of its own database (FUZZ_SEEDS), so the two runs together try 30
# different ones (the fuzz was a sixth of each run when both tried the same 30). Each
# run stays reproducible: the same database, the same cases.
EXAMPLES_PER_OPERATION = int(os.environ.get("OPENAPI_FUZZ_EXAMPLES", "15"))
FUZZ_SEEDS = {"sqlite": 20261206, "postgresql": 20261207}
MODES = [GenerationMode(mode) for mode in
         os.environ.get("OPENAPI_FUZZ_MODES", "positive").split(",")]


# ----- the document and its viewer ------------------------------------------------------------


@pytest.fixture(scope="module")
def document(app):
    """The document, fetched once for the module's checks (generating it takes a while)."""
    response = app.test_client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        _, *parts = node["$ref"].split("/")
        node = document
        for part in parts:
            node = node[part]
    return node


def test_the_document_is_valid_openapi_3(app, document):
    assert document["openapi"].startswith("3.")
    schema = schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", app)
    schema.validate()  # against the OpenAPI 3 meta-schema; raises when invalid
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": "A token from POST /auth/token or a company API key"}


@pytest.mark.parametrize(("method", "path", "has_body", "needs_auth"), CONTRACT_OPERATIONS,
                         ids=[f"{m.upper()} {p}" for m, p, _, _ in CONTRACT_OPERATIONS])
def test_contract_endpoints_are_documented(document, method, path, has_body, needs_auth):
    operation = document["paths"].get(BASE + path, {}).get(method)
    assert operation is not None, f"{method.upper()} {path} is missing from the document"
    if has_body:
        body = operation["requestBody"]
        assert body["required"] is (has_body != OPTIONAL_BODY)
        assert "schema" in body["content"][MULTIPART if has_body == MULTIPART
                                           else "application/json"]
    else:
        assert "requestBody" not in operation
    success = [code for code in operation["responses"] if code.startswith("2")]
    assert len(success) == 1
    answer = _resolve(document, operation["responses"][success[0]])
    if path in FILE_ANSWERS:
        assert FILE_ANSWERS[path] <= set(answer["content"])
    elif success[0] != "204":
        assert "schema" in answer["content"]["application/json"]
    security = operation.get("security", [])
    if needs_auth:
        assert security == [{"bearerAuth": []}]
        for status in ("401", "403"):
            refusal = _resolve(document, operation["responses"][status])
            assert set(refusal["content"]) == {PROBLEM}
    else:
        assert security in ([], [{"bearerAuth": []}, {}])
    # Every error the operation documents, the default included, is problem+json.
    for status, response in operation["responses"].items():
        if not status.startswith("2"):
            content = _resolve(document, response)["content"]
            assert set(content) == {PROBLEM}, (status, content)
            assert content[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_contract_response_schemas_hold_the_contract_fields(document):
    schemas = document["components"]["schemas"]

    def required(name):
        return set(schemas[name].get("required", []))

    # Registration answers 202 {detail} whether or not the address has an account
    # (issue 12): the company and user are read from GET /me after logging in.
    assert {"detail"} <= required("Accepted")
    assert {"id", "name", "status"} <= required("CompanyBrief")
    assert {"access_token", "token_type", "expires_in"} <= required("Token")
    assert {"user", "company", "permissions"} <= required("Me")
    assert {"id", "email", "full_name"} <= required("MeUser")
    assert {"id", "name", "roles", "status"} <= required("MeCompany")
    assert {"items", "total", "page", "per_page"} <= required("MemberPage")
    assert {"type", "title", "status", "detail"} <= required("Problem")
    assert {"id", "code", "name"} <= required("Category")
    assert "parent_id" in schemas["Category"]["properties"]
    assert {"id", "sku", "name", "status", "price_tiers", "attributes"} <= required("Product")
    assert {"id", "kind", "url"} <= required("ProductMedia")
    assert {"id", "type", "number", "status", "version", "issuer", "recipient", "parent_id",
            "thread_id", "lines", "totals", "allowed_actions", "assigned_to"} <= set(
        schemas["Document"]["properties"])
    assert {"id", "type", "number", "status", "version", "lines", "totals",
            "allowed_actions"} <= required("Document")
    assert {"items", "total", "page", "per_page"} <= required("DocumentSummaryPage")
    assert {"action", "from_status", "to_status", "actor", "at", "comment"} <= set(
        schemas["DocumentEvent"]["properties"])
    assert {"inquiry", "rfq", "quotation", "purchase_order", "order_confirmation",
            "change_request", "cancellation", "proforma_invoice", "commercial_invoice",
            "packing_list", "shipping_advice", "goods_receipt", "return_request", "debit_note",
            "credit_note", "claim"} <= set(_resolve(document, schemas["DocumentArgs"][
                "properties"]["type"])["enum"])
    assert {"items", "total", "page", "per_page", "facets", "suggestion"} <= required(
        "ProductResults")
    assert {"created", "updated", "errors"} <= required("ImportResult")
    assert {"row", "field", "message"} <= required("ImportError")
    roles = _resolve(document, schemas["InviteArgs"]["properties"]["role"])
    assert {"admin", "sales", "purchasing", "approver", "viewer"} <= set(roles["enum"])


def test_the_viewer_and_its_assets_are_served_locally(client):
    page = client.get(f"{BASE}/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assets = ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]
    for asset in assets:
        assert f"{BASE}/docs/assets/{asset}" in html
        response = client.get(f"{BASE}/docs/assets/{asset}")
        assert response.status_code == 200, asset
        assert len(response.get_data()) > 1000, asset
    assert f"{BASE}/openapi.json" in html


# ----- the API answers as documented ----------------------------------------------------------


@pytest.fixture
def generous_rate_limits(app):
    """Many registrations and logins from one address within seconds: the limits would
    answer 429 for most of them (documented, but then nothing behind them is exercised)."""
    names = ("RATELIMIT_LOGIN", "RATELIMIT_LOGIN_ADDRESS", "RATELIMIT_REGISTER",
             "RATELIMIT_PASSWORD_RESET")
    saved = {name: app.config[name] for name in names}
    app.config.update({name: "100000 per hour" for name in names})
    yield
    app.config.update(saved)


class _Caller:
    """A bearer token, renewed when a case revokes it (DELETE /auth/token)."""

    def __init__(self, api, member, dialect: str):
        self.api, self.member, self.dialect = api, member, dialect
        self.token = api.token(member)

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def after(self, case, response) -> None:
        if case.method.upper() == "DELETE" and case.path == f"{BASE}/auth/token" \
                and response.status_code == 204:
            self.token = self.api.token(self.member)


def _dialect(make) -> str:
    with make.app.app_context():
        return db.engine.dialect.name


def _company_world(api, make) -> tuple[_Caller, dict]:
    """A fresh company admin, and records of theirs the cases can aim at by id."""
    admin = make.company_with_admin()
    caller = _Caller(api, admin, _dialect(make))
    company_id = admin.company_id
    make.member(company_id, "viewer")
    make.api_key(admin)

    def created(path, body):
        response = api.post(path, caller.token, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    members = api.get(f"/companies/{company_id}/members", caller.token).get_json()["items"]
    return caller, {
        "company_id": company_id,
        "member_id": next(m["id"] for m in members if m["role"] == "viewer"),
        "key_id": api.get("/api-keys", caller.token).get_json()["items"][0]["id"],
        "entry_id": created("/address-book", {"name": "Keelung Logistics"}),
        "invitation_id": created(f"/companies/{company_id}/members",
                                 {"email": f"invitee{company_id}@example.com", "role": "sales"}),
    }


def _operator_world(api, make, operator) -> tuple[_Caller, dict]:
    caller = _Caller(api, operator, _dialect(make))
    code = f"test-{time.monotonic_ns()}"
    category = api.post("/admin/categories", caller.token, json={"code": code, "name": code})
    assert category.status_code == 201, category.get_json()
    return caller, {"company_id": make.company(status=CompanyStatus.PENDING),
                    "category_id": category.get_json()["id"]}


def _run_operation(operation, caller: _Caller, records: dict) -> None:
    names = {p.name for p in operation.path_parameters}
    fixed = {name: value for name, value in records.items() if name in names}
    strategies = []
    for mode in MODES:
        strategies.append(operation.as_strategy(mode))
        if fixed:  # as many cases aim at the caller's own records as anywhere
            strategies.append(operation.as_strategy(mode, path_parameters=fixed))
    # Bodies the generator seldom hits (a real login; a URL marshmallow's Url accepts).
    known_good = {
        f"POST {BASE}/auth/token": {"email": caller.member.email,
                                    "password": caller.member.password},
        f"POST {BASE}/address-book": {"name": "Tamsui Freight", "country": "TW",
                                      "website": "https://tamsui-freight.example.com",
                                      "contacts": [{"full_name": "Chen Mei-ling",
                                                    "email": "mei@tamsui-freight.example.com"}]},
    }
    if operation.label in known_good:
        strategies.append(operation.as_strategy(body=known_good[operation.label]))

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=False,
              database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @seed(FUZZ_SEEDS[caller.dialect])
    @given(case=st.one_of(strategies))
    def run(case):
        response = case.call_and_validate(headers=caller.headers(), checks=CHECKS)
        caller.after(case, response)

    run()


def test_every_operation_answers_as_documented(app, api, make, generous_rate_limits):
    """Each operation as a company admin (with fresh data, so no case spoils the next
    operation's); then the back office's operations again as the platform operator.
    Each world is built once and every operation's writes are rolled back after it
    (tests/worlds.py), so each operation starts from the world as built."""
    schema = schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operator = make.operator()
    company, operator_world = _company_world(api, make), _operator_world(api, make, operator)
    runs = [(operation, company) for operation in operations]
    runs += [(operation, operator_world)
             for operation in operations if operation.path.startswith(f"{BASE}/admin/")]

    failures = []
    for operation, (caller, records) in runs:
        who = "operator" if caller.member is operator else "company admin"
        token = caller.token  # a case may revoke it and take another, rolled back below
        try:
            with rolled_back(app):
                _run_operation(operation, caller, records)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported by operation
            failures.append(f"{operation.label} (as {who})\n{error}")
        finally:
            caller.token = token
    labels = {operation.label for operation in operations}
    for method, path, _, _ in CONTRACT_OPERATIONS:
        assert f"{method.upper()} {BASE}{path}" in labels
    assert not failures, (f"{len(failures)} of {len(runs)} runs do not answer as documented:"
                          "\n\n" + "\n\n".join(failures))


# ----- what the run found, pinned ------------------------------------------------------------


def _problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return response.get_json()


def test_ids_beyond_any_record_are_not_found_or_invalid_never_a_crash(api, make):
    admin = make.company_with_admin()
    token = api.token(admin)
    huge = 2**80
    _problem(api.get(f"/companies/{huge}", token), 404)
    _problem(api.delete(f"/api-keys/{2**31}", token), 404)
    body = _problem(api.patch(f"/companies/{admin.company_id}", token,
                              json={"category_ids": [1, huge]}), 422)
    assert "category_ids.1" in body["errors"]
    body = _problem(api.post("/address-book", token,
                             json={"name": "X", "partner_company_id": huge}), 422)
    assert "partner_company_id" in body["errors"]


def test_nul_characters_are_refused_as_invalid(api, make):
    token = api.token(make.company_with_admin())
    body = _problem(api.post("/address-book", token, json={
        "name": "Keelung\x00", "contacts": [{"full_name": "Lin\x00"}]}), 422)
    assert set(body["errors"]) == {"name", "contacts.0.full_name"}
    assert set(_problem(api.get("/address-book?q=a%00b", token), 422)["errors"]) == {"q"}
    _problem(api.post("/auth/token", json={"email": "a\x00@example.com", "password": "x"}), 422)


def test_changes_to_related_records_are_audited_by_id(api, make):
    operator = make.operator()
    operator_token = api.token(operator)
    category = api.post("/admin/categories", operator_token,
                        json={"code": "tools", "name": "Tools"}).get_json()
    partner = make.company("Tamsui Freight")
    admin = make.company_with_admin()
    token = api.token(admin)
    patched = api.patch(f"/companies/{admin.company_id}", token,
                        json={"category_ids": [category["id"]]})
    assert patched.status_code == 200, patched.get_json()
    assert [c["code"] for c in patched.get_json()["categories"]] == ["tools"]
    entry = api.post("/address-book", token, json={
        "partner_company_id": partner, "contacts": [{"full_name": "Chen Mei-ling"}]})
    assert entry.status_code == 201, entry.get_json()  # once, not "already saved"
    again = _problem(api.post("/address-book", token, json={"partner_company_id": partner}), 422)
    assert "partner_company_id" in again["errors"]
    events = {event["action"]: event["changes"]
              for event in api.get("/audit-events", token).get_json()["items"]}
    assert events["company.updated"]["categories"] == [[], [category["id"]]]
    assert events["address_book.created"]["partner_company"] == [None, partner]
    assert events["address_book.created"]["contacts"] == [[], [None]]  # unsaved until flush
