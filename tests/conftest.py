"""Test harness: one app and schema per run, a clean database for every test,
a real SMTP server (aiosmtpd) that collects what the app sends.

The database is SQLite in a temporary folder, or PostgreSQL when
TEST_DATABASE_URL is set (tests/run_suites.py runs the suite once on each):
a fresh database is created on that server for the run and dropped after.
"""

from __future__ import annotations

import gc
import os
import socket
import uuid
from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from marketplace import create_app
from marketplace.extensions import db, limiter
from tests import factories, sharding, worlds
from tests.sharding import RUN_ONCE_VARIABLE


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Mailbox:
    """What the SMTP server received, as parsed e-mail messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]

    def body(self, message) -> str:
        return message.get_body(("plain",)).get_content()


@pytest.fixture(scope="session")
def smtp_server():
    handler = _Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"marketplace_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A test database lives for one run: a commit need not wait for its WAL to reach
        # the disk (what a crash could lose is dropped anyway). Locks, isolation and
        # constraints are untouched, so every concurrency test means what it says.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, smtp_server, tmp_path_factory):
    _, port = smtp_server
    application = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_PORT": port, "MAIL_BACKEND": "smtp",
        "BASE_URL": "http://localhost",
        # Argon2 with 64 KiB instead of the testing settings' 8 MiB: the same code path,
        # 1 ms a hash instead of 12; a run hashes or checks passwords thousands of times.
        "ARGON2_MEMORY_COST": 64,
        # One lane, computed in the calling thread: with argon2's four a hash or check
        # started and joined four threads, 0.46 ms of CPU and 3.7 ms of waiting against
        # 0.05 ms (a run checks passwords thousands of times). Same code path.
        "ARGON2_PARALLELISM": 1,
        # crm's figures follow every document action through an after-commit job (about a
        # quarter of the CPU of a trading or fulfillment test) that no test outside crm
        # reads. tests/crm and tests/reliability turn it on for their packages
        # (keeps_crm_in_step below); the job swallows its own errors, so nothing a test
        # elsewhere asserts depends on it.
        "CRM_INCREMENTAL_UPDATES": False}, instance_path=str(tmp_path_factory.mktemp("instance")))
    with application.app_context():
        db.create_all()
    yield application
    worlds.drop_world(application)
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request, app, smtp_server):
    """Every test starts with empty tables, empty file stores, an empty mailbox and fresh
    rate limits.
    A case of a shared world (tests/worlds.py) starts from that world instead, and its
    writes are rolled back rather than deleted."""
    shares_a_world = worlds.MARKER in request.fixturenames
    if not shares_a_world:
        worlds.drop_world(app)
    smtp_server[0].messages.clear()
    with app.app_context():
        limiter.reset()
    yield
    if not shares_a_world:
        with app.app_context():
            db.session.remove()
            worlds.empty_tables()
        worlds.empty_file_stores(app)


@pytest.fixture
def _shares_a_world():
    """Asked for by every shared world's fixture: _clean_state leaves its tables alone."""


@worlds.shared_world
def demo(app):
    """The demo world (``flask seed-demo --if-empty`` on the empty database, as ``make
    run`` does), seeded once for every test that reads it (seeding takes half a minute
    and more); each test's writes are rolled back. The result is the command's."""
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    return result


# The collector's thresholds for the test process: a run allocates millions of
# short-lived objects over a heap of hundreds of MB (the app, SQLAlchemy's and Jinja's
# caches, hypothesis), and with Python's defaults (700, 10, 10) it ran 29 full
# collections of that heap in the trading and fulfillment suites, 8.3 s of their 118 s;
# with these, 3 full and 58 young ones, 3.4 s. Garbage is collected as before, in
# larger batches; the servers and workers tests start keep the defaults.
GC_THRESHOLDS = (50_000, 20, 100)


def pytest_configure(config):
    gc.set_threshold(*GC_THRESHOLDS)
    recording = os.environ.get(sharding.DURATIONS_OUT_VARIABLE)
    if recording:
        config.pluginmanager.register(sharding.DurationRecorder(recording), "durations")


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """Every object left at the end of the run moved out of the collector's reach: pytest
    then collects the whole heap, two to three million objects after a shard's run, 3-5 s
    of CPU in each process's last seconds, to report exceptions raised in finalizers of
    garbage nobody will use again. Those raised during the run are reported as before,
    test by test."""
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    """Only this shard's tests when the run is split (tests/sharding.py); the browser tests
    and those that use no run's database only once per ``make test`` (below); the tests of
    the demo world
    last, one after the other, so they share one seeding (a shared world lasts while
    consecutive tests use it)."""
    sharding.keep_this_shard(config, items, sharding.database_name())
    _share_the_run_once_tests(config, items)
    items.sort(key=lambda item: "demo" in getattr(item, "fixturenames", ()))


# The run-once files the PostgreSQL run takes when there is one: the SQLite run holds the
# browser tests and ended about 50 s after the PostgreSQL run (12:12 and 11:21 on a quiet
# machine); these start processes or threads of their own (a gunicorn and its workers,
# Celery's beat schedule, eight threads over one Whoosh index: about 25 s of CPU). The
# last two joined when the PostgreSQL run's cleanup got faster (SQLite 9:16 against
# PostgreSQL 8:59 before it): `make run` in a process, jieba's dictionary built twice.
# With each run split over two processes the PostgreSQL run became the longer one (its
# two ended at 9:10 and 9:09, SQLite's at 9:03 and 8:21): the eight threads over one
# Whoosh index went back to the SQLite run.
RUN_ONCE_IN_THE_POSTGRESQL_RUN = frozenset({"tests/core/test_serving.py",
                                            "tests/core/test_make_run.py",
                                            "tests/content/test_search_dictionary.py"})


def _share_the_run_once_tests(config, items) -> None:
    """Two kinds of test run once per ``make test`` (tests/run_suites.py sets the variable
    for each run; a test left to the other run is deselected and counted as such, never
    skipped; without the variable, as in a plain ``pytest``, every test runs):

    - ``database_independent``: its own processes or databases (a gunicorn, ``make run``,
      the catalog extraction), answering the same whichever database the run uses: in the
      SQLite run, but those of RUN_ONCE_IN_THE_POSTGRESQL_RUN in the PostgreSQL run when
      there is one ("postgresql"; the SQLite run beside it is told "sqlite");
    - the browser tests (every test using the ``browser`` fixture, marked ``browser`` here
      if its file did not), in the SQLite run: what they check is the pages in Chromium
      (layout, axe, keyboard, the clicks of a story); the operations behind the pages are
      tested on both databases by the API and portal tests, and Chromium's rendering was
      a fifth of each run's CPU."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
                "browser"):
            item.add_marker(pytest.mark.browser)
    share = os.environ.get(RUN_ONCE_VARIABLE)
    if not share:
        return
    kept, left = [], []
    for item in items:
        if item.get_closest_marker("browser"):
            here = share == "sqlite"
        elif item.get_closest_marker("database_independent"):
            in_postgresql = item.nodeid.split("::")[0] in RUN_ONCE_IN_THE_POSTGRESQL_RUN
            here = share == ("postgresql" if in_postgresql else "sqlite")
        else:
            here = True
        (kept if here else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server[0]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An app context for tests that build data or call operations directly."""
    with app.test_request_context():
        yield


@pytest.fixture
def make(app):
    """Factories that build committed test data: ``make.company(...)``, ``make.member(...)``."""
    return factories.Factory(app)


@pytest.fixture
def api(client):
    return factories.ApiClient(client)


@pytest.fixture
def redis_worker(app):
    """A real Celery worker taking jobs from Redis, in a thread, for one test (skipped
    when Redis does not answer)."""
    from celery.contrib.testing.worker import start_worker

    from marketplace.extensions import celery

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("Redis: SKIPPED — nothing answers on 127.0.0.1:6379")
    saved = {key: celery.conf[key]
             for key in ("broker_url", "task_always_eager", "task_default_queue")}
    # A queue of its own, so test runs sharing this Redis never take each other's jobs.
    celery.conf.update(broker_url="redis://127.0.0.1:6379/15", task_always_eager=False,
                       task_default_queue=f"test-{uuid.uuid4().hex}")
    _forget_declared_queues(celery)
    celery.flask_app = app
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery.conf.update(saved)
    _forget_declared_queues(celery)


def _forget_declared_queues(celery) -> None:
    """Celery keeps its connections and the queues it declared (cached on app.amqp):
    forget them, so this worker (and the app) publish to and consume the queue now set."""
    celery.close()
    for cached in ("queues", "default_queue", "router"):
        celery.amqp.__dict__.pop(cached, None)


@contextmanager
def crm_in_step(app):
    """crm's figures kept in step with every document action, as in production (see the
    app fixture). A package that needs it wraps itself in this from a package-scoped
    autouse fixture of its own conftest (tests/crm, tests/reliability): a package-scoped
    fixture defined here would belong to the whole tests package and stay on to the end."""
    app.config["CRM_INCREMENTAL_UPDATES"] = True
    try:
        yield
    finally:
        app.config["CRM_INCREMENTAL_UPDATES"] = False


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto's server mode) on a free port, for the run:
    the S3 storage backend is tested against it, never against a remote service. Its
    credentials are moto's dummies, set for boto3 for the run."""
    from moto.server import ThreadedMotoServer

    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION="us-east-1")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(params=["local", "s3"])
def storage_backend(request, app):
    """The test runs once with files in the instance folder and once in a bucket of its
    own on the local S3 server (core/storage.py)."""
    keys = ("STORAGE_BACKEND", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION")
    saved = {key: app.config.get(key) for key in keys}
    if request.param == "s3":
        import boto3

        endpoint = request.getfixturevalue("s3_server")
        bucket = f"test-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
            Bucket=bucket)
        app.config.update(STORAGE_BACKEND="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=endpoint,
                          S3_REGION="us-east-1")
    yield request.param
    app.config.update(saved)
