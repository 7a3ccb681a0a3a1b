"""The index follows the database: after commit, through the background job, one
writer at a time, never dropping an update; ``flask reindex`` rebuilds it.

Whoosh's own machinery (the after-commit job, its writer lock, the pending file) is
tested with the Whoosh backend on either database (``whoosh``); what a user sees runs
on the database's default backend."""

from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy import func, select

from marketplace.content import search
from marketplace.content.models import Product
from marketplace.content.operations.products import save_product
from marketplace.content.search import indexing, tasks
from marketplace.core.boundary import commit
from marketplace.extensions import db
from marketplace.infrastructure.models import Company
from tests.content.search_support import catalog, fresh_index, run, search_in  # noqa: F401


def _company(company_id: int) -> Company:
    return db.session.get(Company, company_id)


@pytest.fixture
def whoosh(app):
    """The Whoosh backend for this test, whatever the database (SEARCH_BACKEND=whoosh)."""
    from marketplace.content.search.whoosh_backend import WhooshBackend

    saved = app.extensions.get("search")
    if not isinstance(saved, WhooshBackend):
        with app.app_context():
            app.config["SEARCH_BACKEND"] = "whoosh"
            app.extensions.pop("search", None)
            indexing.backend()
            search.clear()
    yield app.extensions["search"]
    app.config.pop("SEARCH_BACKEND", None)
    app.extensions["search"] = saved


# ----- after commit, in step with the rows ------------------------------------------------------


def test_a_new_product_is_found_only_once_its_transaction_commits(app, catalog):
    with app.test_request_context():
        save_product(_company(catalog.fasteners_id),
                     {"sku": "T-1", "name": "Titanium bolt", "status": "published"})
        db.session.flush()
        assert search_in(app, "titanium")[0] == []  # written, not committed: not yet
        commit()
    assert search_in(app, "titanium")[0] == ["T-1"]


def test_a_rolled_back_change_never_reaches_the_index(app, catalog):
    with app.test_request_context():
        product = db.session.get(Product, catalog.ids["HB-M8"])
        save_product(_company(catalog.fasteners_id), {"name": "Renamed titanium bolt"}, product)
        db.session.rollback()
        commit()
    assert search_in(app, "titanium")[0] == []
    skus, results = search_in(app, "stainless steel hex bolt")
    assert skus[0] == "HB-M8"
    assert results.items[0].highlight["name"] == "<mark>Stainless</mark> <mark>steel</mark> " \
                                                 "<mark>hex</mark> <mark>bolt</mark> M8"


def test_renaming_archiving_and_deleting_through_the_api_follow(app, catalog, api):
    token = api.token(catalog.fasteners)
    product_id = catalog.ids["HB-M8"]
    response = api.patch(f"/products/{product_id}", token, json={"name": "Titanium hex bolt"})
    assert response.status_code == 200, response.get_json()
    skus, results = search_in(app, "titanium")
    assert skus == ["HB-M8"]
    assert results.items[0].highlight["name"] == "<mark>Titanium</mark> hex bolt"
    assert search_in(app, "不鏽鋼")[0] == ["HB-M8"]  # the Chinese name did not change

    response = api.patch(f"/products/{product_id}", token, json={"status": "archived"})
    assert response.status_code == 200, response.get_json()
    assert search_in(app, "titanium")[0] == []

    other = catalog.ids["CB-M10"]
    assert api.delete(f"/products/{other}", token).status_code == 204
    assert search_in(app, "carbon")[0] == []


def test_the_changes_of_one_transaction_make_one_index_job(app, whoosh, catalog):
    from marketplace.core.outbox import JobStatus, OutboxJob

    with app.test_request_context():
        before = db.session.scalar(select(func.max(OutboxJob.id))) or 0
        company = _company(catalog.fasteners_id)
        for number in range(30):
            save_product(company, {"sku": f"BULK-{number}", "name": "Bulk washer",
                                   "status": "published"})
        commit()
        jobs = db.session.scalars(select(OutboxJob).where(
            OutboxJob.id > before, OutboxJob.task == "search.refresh_index")).all()
        assert [(job.kwargs["kind"], len(job.kwargs["ids"]), job.status) for job in jobs] == [
            ("products", 30, JobStatus.DONE)]


def test_a_company_that_moves_country_takes_its_products_along(app, catalog, api):
    token = api.token(catalog.textiles)
    response = api.patch(f"/companies/{catalog.textiles_id}", token, json={"country": "PT"})
    assert response.status_code == 200, response.get_json()
    _, results = search_in(app, "towel")
    assert [f.value for f in results.facets["country"]] == ["PT"]
    _, only_tw = search_in(app, "", filters=search.ProductFilters(country="TR"))
    assert only_tw.total == 0


# ----- one writer; nothing dropped --------------------------------------------------------------


@pytest.fixture
def quick_retries(app, whoosh, monkeypatch):
    """A short write timeout and pauses, so a held lock shows in a fraction of a second."""
    backend = whoosh
    monkeypatch.setattr(backend, "write_timeout", 0.2)
    monkeypatch.setattr(tasks, "backoff", lambda attempt: 0.01)
    return backend


def test_an_update_that_finds_the_index_locked_is_kept_and_delivered_later(
        app, catalog, make_product, quick_retries):
    writer = quick_retries._index("products").writer()  # another process holding the lock
    try:
        late = make_product(catalog.fasteners_id, sku="LATE-1", name="Titanium bolt")
        pending = indexing._Pending(quick_retries.directory, "products")
        assert late in pending.read()
    finally:
        writer.cancel()
    assert search_in(app, "titanium")[0] == []  # not lost, only waiting

    make_product(catalog.fasteners_id, sku="NEXT-1", name="Titanium nut")  # the next write
    assert sorted(search_in(app, "titanium")[0]) == ["LATE-1", "NEXT-1"]
    assert pending.read() == set()


def test_writers_of_one_process_wait_for_each_other(app, catalog, make_product):
    supplier = catalog.fasteners_id
    ids = [make_product(supplier, sku=f"C-{n:02d}", name="Concurrent washer") for n in range(40)]
    with app.app_context():
        search.clear()
    errors = []

    def refresh(chunk):
        try:
            with app.app_context():
                indexing.refresh("products", chunk)
        except Exception as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=refresh, args=(ids[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert search_in(app, "concurrent washer", per_page=100)[1].total == 40


def test_index_writes_do_not_depend_on_the_random_seed(app, whoosh, catalog, make_product):
    """Code that seeds ``random`` (a benchmark's data, Hypothesis) must not make two
    index segments share a name."""
    random.seed(7)
    make_product(catalog.fasteners_id, sku="SEED-1", name="Titanium bolt")
    random.seed(7)
    make_product(catalog.fasteners_id, sku="SEED-2", name="Titanium nut")
    assert sorted(search_in(app, "titanium")[0]) == ["SEED-1", "SEED-2"]


def test_a_failed_write_frees_the_index_and_its_ids_wait_for_the_next(
        app, catalog, make_product, quick_retries, monkeypatch):
    from whoosh.writing import SegmentWriter

    real_commit = SegmentWriter.commit

    def broken_commit(writer, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(SegmentWriter, "commit", broken_commit)
    lost = make_product(catalog.fasteners_id, sku="FAIL-1", name="Titanium bolt")
    monkeypatch.setattr(SegmentWriter, "commit", real_commit)
    assert lost in indexing._Pending(quick_retries.directory, "products").read()

    make_product(catalog.fasteners_id, sku="NEXT-2", name="Titanium nut")  # not locked out
    assert sorted(search_in(app, "titanium")[0]) == ["FAIL-1", "NEXT-2"]


def test_a_worker_retries_until_the_index_is_free(app, catalog, make_product, quick_retries,
                                                   redis_worker):
    writer = quick_retries._index("products").writer()
    released = threading.Timer(1.0, writer.cancel)  # the other writer finishes in a second
    released.start()
    make_product(catalog.fasteners_id, sku="W-1", name="Titanium rivet")
    deadline = time.monotonic() + 20
    while search_in(app, "titanium")[0] != ["W-1"] and time.monotonic() < deadline:
        time.sleep(0.1)
    released.join()
    assert search_in(app, "titanium")[0] == ["W-1"]


# ----- flask reindex ----------------------------------------------------------------------------


def test_reindex_rebuilds_both_indexes_from_the_database(app, catalog):
    with app.app_context():
        search.clear()
    assert search_in(app, "bolt")[0] == []

    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "products: 5 indexed." in result.output
    assert "companies: 2 indexed." in result.output
    assert sorted(search_in(app, "bolt")[0]) == ["CB-M10", "HB-M8", "HN-M8"]
    with app.test_request_context():
        names = [h.company.name for h in search.search_companies("textiles").items]
        assert names == ["Anatolia Home Textiles"]


def test_reindex_clears_the_ids_a_busy_whoosh_index_kept(app, catalog, quick_retries):
    pending = indexing._Pending(quick_retries.directory, "products")
    with app.app_context():
        pending.add({999_999})
    result = app.test_cli_runner().invoke(args=["reindex", "--kind", "products"])
    assert result.exit_code == 0, result.output
    assert pending.read() == set()
    assert sorted(search_in(app, "bolt")[0]) == ["CB-M10", "HB-M8", "HN-M8"]


def test_reindex_one_kind_and_refuse_an_unknown_one(app, catalog):
    result = app.test_cli_runner().invoke(args=["reindex", "--kind", "companies"])
    assert result.exit_code == 0 and "products" not in result.output
    refused = app.test_cli_runner().invoke(args=["reindex", "--kind", "orders"])
    assert refused.exit_code == 2 and "Invalid value" in refused.output
