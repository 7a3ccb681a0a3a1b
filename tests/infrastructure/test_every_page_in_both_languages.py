"""Every portal page, in English and in Traditional Chinese, as the member it is for.

Each GET route of the portal (app.url_map, the API and files aside) is opened with its ids
taken from the demo world, as a buyer, a supplier and an operator in turn, in both
languages; every page that answers 200 with HTML is read as a person reads it (the text
and the attributes shown: title, placeholder, aria-label, alt, the buttons' values) and

- on a Chinese page no text may be English: not a msgid of the catalog (a sentence
  the code marks for translation but that was shown untranslated or was never wrapped),
  nor any English word that neither the demo's own data (names of companies, products,
  people; numbers, SKUs) nor the Chinese catalog itself contains (API, CSV, Webhook...);
- on any page a currency is chosen from a list of the active ISO currencies (no XAU,
  XTS, XXX; never typed in a box);
- on any page no raw code may show: the values of the models' status/state/kind/role/
  mode/method/reason/event columns (``partially_received``, ``open``, ``tt``,
  ``order.created``) alone in a piece of text (a badge, a cell, a "· accepted" part).

A route none of the actors can open fails too (its id is missing below, or the page is
broken), so a new page is checked as soon as it exists. The records the demo has none of
(an address-book entry, a webhook, a draft, a certification, an import, a conversation,
a saved search, a letter of credit) are added first; the Chinese is the catalog's plus
translations-pending/*.po (tests/pending_translations.py).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import lxml.html
import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from marketplace.cli import DEMO_PASSWORD
from marketplace.extensions import db
from tests.content.catalog_support import TEA, csv_file, post_import
from tests.factories import portal_login
from tests.pending_translations import PENDING, load_pending_translations

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "marketplace/translations/zh_Hant/LC_MESSAGES/messages.po"

ACTORS = {  # company admins (every page of their company is theirs to open)
    "buyer": "jonas@hanse.example.com",        # Hanse: an order on its way, a negotiation
    "buyer2": "sarah@northwind.example.com",   # Northwind: the trading demo's buyer
    "supplier": "elif@anatolia.example.com",   # Anatolia: Hanse's supplier
    "supplier2": "chen@tpf.example.com",       # TPF: Northwind's supplier
    "operator": "operator@marketplace.example.com",
}
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
ANONYMOUS_PAGES = {"infrastructure.login", "infrastructure.register",
                   "infrastructure.forgot_password"}
# Pages reached only through a link with a one-time secret: their forms are the ones the
# accounts tests render (tests/infrastructure/test_portal_accounts.py).
NOT_RENDERED = {
    "trading.guest_document": "needs a guest link's secret token",
    "infrastructure.accept_invitation": "needs an invitation's secret token",
    "infrastructure.reset_password": "needs a reset link's secret token",
    "infrastructure.verify_email": "needs a verification link's secret token",
}
# Column names whose values are codes of a vocabulary (shown through labels, never raw).
CODE_COLUMNS = re.compile(
    r"^(status|state|kind|role|mode|method|reason|event|action|box|type"
    r"|.*_status|.*_state|.*_kind|.*_reason|.*_method)$")
# Codes that are also words a page may print as they are: segments named by their
# acronym (the label is "MVC (most valuable)"), currency and incoterm codes, a plain "other".
SHOWN_AS_IS = {"MVC", "MGC", "BZ", "image", "video", "audio", "pdf"}
# Latin words a Chinese page may carry besides the data's and the catalog's own.
LATIN_OK = {"English",  # the language switch names each language in itself
            "MOQ", "SKU", "HS", "ISO", "OK", "ID", "No", "e", "g", "i", "x", "CSV", "XLSX",
            "PDF", "DOCX", "URL", "HTTP", "HTTPS", "JSON", "Marketplace", "Bootstrap", "T", "L",
            "C", "D", "P", "A", "B", "pcs", "kg", "cm", "mm", "m", "CBM", "KGS",
            # the catalog file's instructions: units it accepts, an example attribute
            "set", "carton", "box", "Thread"}


# ----- what a page shows ------------------------------------------------------------------

SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


def visible_texts(html: str, language: str = "en") -> list[str]:
    """The pieces of text a person sees (or hears from a screen reader) on the page; what
    is set as code (<code>, <kbd>, <samp>: a file's column names, a header) or marked
    translate="no" (an example of what to type in a file) is left out."""
    tree = lxml.html.fromstring(html)
    page = language.split("_")[0]
    for dropped in tree.xpath("//script|//style|//template|//noscript|//code|//kbd|//samp"
                              "|//*[@translate='no']"):
        dropped.drop_tree()
    # what is marked as written in another language (the switch's "English") is that
    for dropped in [element for element in tree.xpath("//body//*[@lang]")
                    if not element.get("lang").startswith(page)]:
        if dropped.getparent() is not None:
            dropped.drop_tree()
    texts = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for text in (element.text, element.tail):
            if text and text.strip():
                texts.append(" ".join(text.split()))
        for name in SHOWN_ATTRIBUTES:
            value = element.get(name)
            if value and value.strip():
                texts.append(" ".join(value.split()))
        if element.tag == "input" and element.get("type") in ("submit", "button", "reset") \
                and element.get("value"):
            texts.append(element.get("value"))
    return texts


def segments(text: str) -> list[str]:
    """A piece of text cut where pages join things: "Purchase order · accepted (tt)"."""
    parts = re.split(r"\s*[·|,;:()\[\]/–—]\s*|\s+-\s+", text)
    return [part.strip(" .!?…") for part in parts if part.strip(" .!?…")]


LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


# ----- the vocabularies: the catalog's msgids, the data's words, the models' codes --------

@cache
def catalog() -> tuple[dict[str, str], list[re.Pattern]]:
    """English msgid -> Chinese msgstr, from the catalog and the pending translations."""
    entries: dict[str, str] = {}
    for path in [CATALOG, *sorted(PENDING.glob("*.po"))]:
        with path.open("rb") as handle:
            for message in read_po(handle):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strs = (message.string if isinstance(message.string, tuple)
                        else (message.string,))
                for msgid, msgstr in zip(ids, strs, strict=False):
                    if msgid:
                        entries[msgid] = msgstr or entries.get(msgid, "")
    patterns = []
    for msgid, msgstr in entries.items():
        if msgid == msgstr or not LATIN_WORD.search(msgid):
            continue  # the same in both languages ("Webhook", "API")
        pattern = re.escape(" ".join(msgid.split()))
        pattern = re.sub(r"%\\\((\w+)\\\)[sd]|%[sd]", ".+?", pattern)
        if len(LATIN_WORD.findall(re.sub(r"%\(\w+\)[sd]|%[sd]", "", msgid))) >= 2:
            patterns.append(re.compile(f"^{pattern}$"))  # "%(a)s of %(b)s" says too little
    return entries, patterns


@cache  # the navbar's, the footer's and the lists' texts come back on every page
def english_sentences(text: str) -> tuple[str, ...]:
    if not LATIN_WORD.search(text):
        return ()  # every pattern holds two Latin words or more, and a match holds them
    _, patterns = catalog()
    return tuple(pattern.pattern for pattern in patterns if pattern.match(text))


def latin_words_of_catalog() -> set[str]:
    entries, _ = catalog()
    return {word for msgstr in entries.values() for word in LATIN_WORD.findall(msgstr)}


def model_codes() -> set[str]:
    """Every value of a code column: an Enum's values, else what the world holds."""
    codes: set[str] = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not CODE_COLUMNS.match(column.name) or column.name == "object_type":
                continue
            if isinstance(column.type, sa.Enum):
                codes.update(column.type.enums)
            elif isinstance(column.type, sa.String):
                codes.update(value for value in db.session.scalars(
                    sa.select(column).distinct()) if value)
    return {code for code in codes if code not in SHOWN_AS_IS and not code.isupper()}


def _leaves(value) -> list[str]:
    """The keys and values of a JSON document, as texts."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [str(key), *_leaves(item)]]
    if isinstance(value, list):
        return [text for item in value for text in _leaves(item)]
    return [" ".join(str(value).split())]


def stored_texts() -> tuple[set[str], set[str]]:
    """The world's own data (names, descriptions, numbers, a claim's subject): user data
    shows as it was written, in whichever language it was written. Its whole values and
    their Latin words."""
    skipped_tables = {"notifications", "audit_events", "outbox_jobs", "webhook_deliveries",
                      "webhook_attempts", "login_sessions", "api_tokens", "idempotency_records"}
    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        if table.name in skipped_tables:
            continue
        columns = [c for c in table.columns if not CODE_COLUMNS.match(c.name)
                   and not isinstance(c.type, sa.Integer | sa.Numeric | sa.Date | sa.DateTime
                                      | sa.Boolean | sa.LargeBinary)]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                if isinstance(value, str):
                    values.add(" ".join(value.split()))
                elif isinstance(value, dict | list):
                    values.update(_leaves(value))
    words = {word for value in values for word in LATIN_WORD.findall(value)}
    return values, words


# ----- the routes and their ids -----------------------------------------------------------

def _ids(statement) -> list:
    return list(db.session.scalars(statement.limit(2)))


def _user(email: str) -> int:
    from marketplace.infrastructure.models import User

    return db.session.scalar(sa.select(User.id).where(User.email == email))


def _company(email: str) -> int:
    from marketplace.infrastructure.models import Membership, User

    return db.session.scalar(sa.select(Membership.company_id).join(User).where(
        User.email == email))


def _table(name: str) -> sa.Table:
    return db.metadata.tables[name]


# An id argument -> the table of its records; a record is the actor's when one of its
# company columns (or its user) is the actor's.
ID_TABLES = {
    "order_id": "orders", "shipment_id": "shipments", "invoice_id": "invoices",
    "credit_id": "letters_of_credit", "conversation_id": "conversations",
    "search_id": "saved_searches", "discrepancy_id": "supplier_link_discrepancies",
    "entry_id": "address_book_entries", "webhook_id": "webhooks",
    "import_id": "catalog_imports", "certification_id": "certifications",
    "bulletin_id": "bulletins", "auction_id": "sourcing_auctions",
    "buying_request_id": "buying_requests", "department_id": "departments"}


def _owned(table_name: str, company_id: int | None, user_id: int | None) -> list:
    table = _table(table_name)
    statement = sa.select(table.c.id).order_by(table.c.id)
    if company_id is not None:
        owners = [column == company_id for column in table.columns
                  if column.name == "company_id" or column.name.endswith("_company_id")]
        if "user_id" in table.c:
            owners.append(table.c.user_id == user_id)
        statement = statement.where(sa.or_(*owners))
    return list(db.session.scalars(statement.limit(1)))


def id_candidates(argument: str, company_id: int | None, user_id: int | None) -> list:
    """Ids for ``argument`` that the member of ``company_id`` (None: the operator) opens."""
    documents = _table("documents")
    if argument in ("document_id", "rfq_id"):
        parties = _table("document_parties")
        mine = sa.select(parties.c.document_id)
        if company_id is not None:
            mine = mine.where(parties.c.company_id == company_id)
        statement = sa.select(documents.c.id, documents.c.type).where(
            documents.c.id.in_(mine)).order_by(documents.c.id)
        if argument == "rfq_id":
            statement = statement.where(documents.c.type == "rfq")
        first_of_type: dict[str, int] = {}  # one document of each type: each kind of page
        for row in db.session.execute(statement):
            first_of_type.setdefault(row.type, row.id)
        return list(first_of_type.values())
    if argument in ID_TABLES:
        return _owned(ID_TABLES[argument], company_id, user_id)
    if argument == "case_id":  # a service case: its two companies', or the operator's own
        cases = _table("service_cases")
        statement = sa.select(cases.c.id).order_by(cases.c.id).limit(1)
        return list(db.session.scalars(statement.where(
            cases.c.counterparty_company_id.is_(None) if company_id is None else sa.or_(
                cases.c.company_id == company_id,
                cases.c.counterparty_company_id == company_id))))
    if argument == "plan_id":  # the platform's plans (billing): the operator edits them
        return list(db.session.scalars(sa.select(_table("plans").c.id).limit(1)))
    if argument == "product_id":
        products = _table("products")
        statement = sa.select(products.c.id).order_by(products.c.id)
        if company_id is not None:
            statement = statement.where(sa.or_(products.c.company_id == company_id,
                                               products.c.status == "published"))
        return list(db.session.scalars(statement.limit(1)))
    if argument == "company_id":  # a supplier's and a buyer's public page
        companies = _table("companies")
        found = {}
        for row in db.session.execute(sa.select(companies.c.id, companies.c.is_supplier).where(
                companies.c.status == "active").order_by(companies.c.id)):
            found.setdefault(bool(row.is_supplier), row.id)
        return list(found.values())
    if argument == "buyer_id":
        orders = _table("orders")
        if company_id is None:
            return []
        return list(db.session.scalars(sa.select(orders.c.buyer_company_id).distinct().where(
            orders.c.supplier_company_id == company_id).limit(1)))
    if argument == "view":
        from marketplace.supplier_link.models import VIEWS

        return list(VIEWS)
    raise LookupError(argument)


# Query strings a page needs to show more than a refusal (the page itself says so).
QUERIES = {"fulfillment.new_shipment": lambda company_id: {"buyer": (id_candidates(
    "buyer_id", company_id, None) or [0])[0]}}


def portal_routes(app) -> list:
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static", "/bootstrap")):
            continue
        if rule.endpoint in ("static", "healthz") or "filename" in rule.arguments:
            continue
        if {"media_id", "fmt", "kind", "photo_id", "render_id"} & set(rule.arguments):
            continue  # files, not pages
        if rule.rule.endswith((".json", ".csv", ".xlsx", ".pdf", "/progress", "/bell")):
            continue
        rules.append(rule)
    return sorted(rules, key=lambda rule: rule.rule)


def urls_for(app, rule, company_id, user_id) -> list[str]:
    options = [dict(QUERIES[rule.endpoint](company_id)) if rule.endpoint in QUERIES else {}]
    for argument in sorted(rule.arguments - set(rule.defaults or {})):
        values = id_candidates(argument, company_id, user_id)
        options = [{**option, argument: value} for option in options for value in values]
    with app.test_request_context():
        return [app.url_for(rule.endpoint, **option) for option in options]


# ----- the walk ---------------------------------------------------------------------------

def _open_as(app, email: str | None, language: str):
    """A browser of ``email`` that chose ``language`` with the switch before logging in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["language"] = language
    if email:
        response = portal_login(client, email, DEMO_PASSWORD)
        assert response.status_code in (302, 303), email
    return client


def _fill_in(api) -> None:
    """Records the demo has none of, so that their pages are seen too (rolled back)."""
    buyer = api.token(ACTORS["buyer"], DEMO_PASSWORD)
    supplier = api.token(ACTORS["supplier"], DEMO_PASSWORD)
    with api.client.application.app_context():
        anatolia = _company(ACTORS["supplier"])
    assert api.post("/address-book", buyer, json={"name": "Hamburg forwarder"}).status_code == 201
    assert api.post("/webhooks", supplier, json={
        "url": "https://wms.example.com/in", "events": ["document.received"]}).status_code == 201
    assert api.post("/documents", buyer, json={
        "type": "inquiry", "subject": "Towels", "currency": "EUR",
        "recipient_company_id": anatolia,
        "lines": [{"description": "Bath towel", "quantity": "100"}]}).status_code == 201
    assert api.post(f"/companies/{anatolia}/certifications", supplier, data={
        "file": (io.BytesIO(PDF), "oeko-tex.pdf"), "name": "OEKO-TEX 100"}).status_code == 201
    assert post_import(api, supplier, csv_file([TEA]), path="/catalog/imports"
                       ).status_code == 202
    assert api.post("/conversations", buyer, json={
        "company_id": anatolia, "body": "Can you weave the towels in navy?"}).status_code == 201
    assert api.post("/saved-searches", buyer, json={"name": "Towels", "q": "towel"}
                    ).status_code == 201
    orders = api.get("/orders?role=supplier", supplier).get_json()["items"]
    assert api.post("/letters-of-credit", supplier, json={
        "number": "LC-HH-2026-0042", "issuing_bank": "Deutsche Handelsbank AG",
        "issue_date": "2026-11-20", "expiry_date": "2099-03-31", "amount": "1680.00",
        "currency": orders[0]["currency"], "order_ids": [orders[0]["id"]]}).status_code == 201


def _problems(html: str, language: str, codes: set[str], allowed_words: set[str],
              data: set[str]) -> list[str]:
    found = []
    single_codes = {code for code in codes if re.fullmatch(r"[a-z]+", code)}
    compound_codes = codes - single_codes
    for text in visible_texts(html, language):
        if text.strip("“”\"'「」 ") in data:
            continue
        for part in segments(text):
            if part in single_codes:
                found.append(f"raw code {part!r} in {text!r}")
        for token in re.findall(r"[\w.\-]+", text):
            if token.strip(".-") in compound_codes:
                found.append(f"raw code {token!r} in {text!r}")
        if language != "zh_Hant":
            continue
        sentences = english_sentences(text)
        if sentences:
            found.append(f"English {text!r} (msgid {sentences[0]})")
            continue
        # words cut short ("Anatolia Home Texti…"), acronyms (UTC, KB, EXW) and single
        # letters (a revision "r1") are no sentence
        strangers = [word for word in LATIN_WORD.findall(re.sub(r"[A-Za-z]+…", "", text))
                     if word not in allowed_words and word.lower() not in allowed_words
                     and not word.isupper() and len(word) > 1]
        if strangers:
            found.append(f"English word(s) {strangers} in {text!r}")
    return found


def currency_problems(html: str) -> list[str]:
    """A currency is chosen from the active ISO currencies (issue 13.1): no select offers a
    metal, test or fund code (XAU, XTS, XXX...), no currency is typed in a text box."""
    from marketplace.core.currencies import NOT_TRADED

    found = []
    for field in lxml.html.fromstring(html).iter("select", "input"):
        name = field.get("name") or ""
        if not name.endswith("currency"):
            continue
        if field.tag == "input" and field.get("type", "text") not in ("hidden",):
            found.append(f"currency typed in a box: <input name={name!r}>")
        offered = {option.get("value") for option in field.iter("option")}
        if offered & NOT_TRADED:
            found.append(f"<select name={name!r}> offers {sorted(offered & NOT_TRADED)}")
    return found


def vocabulary(app) -> tuple[set[str], set[str], set[str]]:
    with app.app_context():
        codes = model_codes()
        data, data_words = stored_texts()
    return codes, data_words | latin_words_of_catalog() | LATIN_OK, data


@pytest.fixture
def with_pending_translations(app, tmp_path):
    undo = load_pending_translations(app, tmp_path / "pending")
    yield
    undo()


def _plans(app) -> tuple[list, list[str]]:
    """Each route with the URLs each actor opens; the routes no id could be found for."""
    plans, unreached = [], []
    with app.app_context():
        actors = {actor: (_company(email), _user(email)) for actor, email in ACTORS.items()}
        actors["operator"] = (None, _user(ACTORS["operator"]))
        for rule in portal_routes(app):
            if rule.endpoint in NOT_RENDERED:
                continue
            if rule.endpoint in ANONYMOUS_PAGES:
                plans.append((rule, {None: urls_for(app, rule, None, None)}))
                continue
            try:
                plans.append((rule, {actor: urls_for(app, rule, company, user)
                                     for actor, (company, user) in actors.items()}))
            except LookupError as missing:
                unreached.append(f"{rule.rule}: no ids for <{missing}> (add them to "
                                 "id_candidates)")
    return plans, unreached


@pytest.fixture
def only_the_apps_events(monkeypatch):
    """The pages list the app's own notification events: those other tests declare for
    themselves (``testing.*``, English labels on purpose) are out of the registry here."""
    from marketplace.infrastructure.notifications import events

    monkeypatch.setattr(events, "_EVENTS", {name: event for name, event in events._EVENTS.items()
                                            if not name.startswith("testing.")})


def test_every_portal_page_speaks_the_pages_language_without_raw_codes(
        app, demo, api, with_pending_translations, only_the_apps_events):
    _fill_in(api)
    codes, allowed_words, data = vocabulary(app)
    plans, unreached = _plans(app)
    reached: set[str] = set()
    problems: dict[str, set[str]] = defaultdict(set)
    for language in ("en", "zh_Hant"):
        clients = {actor: _open_as(app, ACTORS.get(actor), language)
                   for actor in [None, *ACTORS]}
        seen: set[str] = set()  # a record's page, once (the office and lists: each actor's)
        for rule, per_actor in plans:
            for actor, urls in per_actor.items():
                for url in urls:
                    if rule.arguments and url in seen:
                        continue
                    response = clients[actor].get(url)
                    if response.status_code >= 400:
                        continue
                    reached.add(rule.rule)
                    if response.status_code != 200 or response.mimetype != "text/html":
                        continue  # a redirect or a file: no page of its own
                    seen.add(url)
                    html = response.get_data(as_text=True)
                    for problem in [*_problems(html, language, codes, allowed_words, data),
                                    *currency_problems(html)]:
                        problems[f"{language} {url}"].add(problem)
    unreached += [f"{rule.rule}: no actor could open it" for rule, _ in plans
                  if rule.rule not in reached]
    report = [f"{page}: {problem}" for page, found in sorted(problems.items())
              for problem in sorted(found)]
    assert not unreached and not report, "\n".join(
        [*unreached, f"{len(report)} problems:", *report])
