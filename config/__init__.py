"""Settings classes, chosen by name (``MARKETPLACE_CONFIG``) or by a Python file path.

Every setting can be overridden by an environment variable of the same name
prefixed ``MARKETPLACE_`` (``MARKETPLACE_MAIL_SERVER``), plus the usual
``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY`` and ``STRIPE_*``.
"""

from __future__ import annotations

import os
from datetime import timedelta

from config.crm import CrmSettings

DEMO_SECRET_KEY = "demo-only-secret-key-change-me"


class Default(CrmSettings):  # customer analytics parameters: config/crm.py
    SECRET_KEY = DEMO_SECRET_KEY
    DEMO_MODE = False
    # Production settings refuse demo mode, a SECRET_KEY shorter than MIN_SECRET_KEY_BYTES
    # and `flask seed-demo` (the demo accounts' password is published).
    PRODUCTION = False
    MIN_SECRET_KEY_BYTES = 32
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL: str | None = None

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead

    # Accounts
    ACCESS_TOKEN_LIFETIME = timedelta(hours=12)
    EMAIL_VERIFICATION_MAX_AGE = timedelta(days=3)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    INVITATION_MAX_AGE = timedelta(days=14)
    PASSWORD_MIN_LENGTH = 10

    # Rate limits (Flask-Limiter syntax); failed attempts only for login, counted per
    # account (RATELIMIT_LOGIN) and per client address (RATELIMIT_LOGIN_ADDRESS)
    RATELIMIT_LOGIN = "5 per minute; 20 per hour"
    RATELIMIT_LOGIN_ADDRESS = "20 per minute; 100 per hour"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed
    # (Werkzeug's ProxyFix): 0 (the default) believes none, so a client cannot choose its
    # own address; 1 behind one proxy (nginx, a load balancer) that sets them.
    TRUSTED_PROXIES = 0
    RATELIMIT_REGISTER = "10 per hour"
    RATELIMIT_PASSWORD_RESET = "5 per hour"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # While Redis is away, limits are counted in each process's memory (a warning is
    # logged) and Redis is tried again until it answers; a dead Redis host is given up
    # on after a second rather than holding every login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}

    # Mail: "smtp" sends through MAIL_SERVER; "console" prints and writes instance/mail/
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_DEFAULT_SENDER = "Marketplace <no-reply@marketplace.local>"
    # Where links in mail point (no request to read the host from in a worker)
    BASE_URL = "http://127.0.0.1:5000"
    # A guest link (a quotation sent to an address-book contact without an account)
    # opens its document this long, and never past the quotation's validity.
    GUEST_LINK_LIFETIME = timedelta(days=30)

    # i18n
    LANGUAGES = {"en": "English", "zh_Hant": "繁體中文"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    # UI
    BOOTSTRAP_SERVE_LOCAL = True

    # API and its OpenAPI document
    API_TITLE = "Marketplace API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)
    # A repeat of a request still in flight waits this long for its answer, then 409; a
    # claimed key whose request never answered (a killed process) is freed after the lease.
    IDEMPOTENCY_WAIT_SECONDS = 10.0
    IDEMPOTENCY_CLAIM_LEASE = timedelta(minutes=5)

    # Background jobs: without REDIS_URL, Celery runs tasks in-process
    CELERY_TASK_ALWAYS_EAGER: bool | None = None
    # The job outbox (core/outbox.py): a job claimed by a worker that never reports back
    # is run again after OUTBOX_LEASE_SECONDS (longer than any job takes); a failing job
    # is tried again after OUTBOX_RETRY_SECONDS, doubling, OUTBOX_MAX_ATTEMPTS times, then
    # marked failed (`flask jobs`). Due jobs (kept while Redis was away) are handed over
    # after requests and by Celery beat every OUTBOX_SWEEP_SECONDS (None: after requests
    # never). /healthz says degraded when no worker beat for WORKER_HEARTBEAT_MAX_AGE s.
    OUTBOX_LEASE_SECONDS = 600.0
    OUTBOX_RETRY_SECONDS = 30.0
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_SWEEP_SECONDS: float | None = 30.0
    WORKER_HEARTBEAT_MAX_AGE = 180.0

    # Search (Whoosh): None puts the indexes in <instance>/search; a writer waits this
    # many seconds for the index lock, then the update is retried later (never dropped)
    SEARCH_INDEX_DIR: str | None = None
    SEARCH_WRITE_TIMEOUT = 10.0

    # A request body larger than this is refused (413) before it is read: room for the
    # largest upload (a video) plus the form around it.
    MAX_CONTENT_LENGTH = 260 * 1024 * 1024

    # Uploads (content.operations.media): the largest file accepted, per kind, in bytes;
    # images beyond MEDIA_MAX_IMAGE_PIXELS are refused before they are decoded; image
    # thumbnails fit in a square of MEDIA_THUMBNAIL_SIZE pixels. MEDIA_FOLDER: where files
    # are kept (None: <instance>/media).
    MEDIA_MAX_BYTES = {"image": 15 * 1024 * 1024, "video": 250 * 1024 * 1024,
                       "audio": 40 * 1024 * 1024, "pdf": 30 * 1024 * 1024}
    MEDIA_MAX_IMAGE_PIXELS = 50_000_000
    MEDIA_THUMBNAIL_SIZE = 480
    MEDIA_FOLDER: str | None = None

    # Where kept files live (core/storage.py, docs/STORAGE.md): "local" folders under the
    # instance folder (one node), or "s3", an S3-compatible object store shared by several
    # app nodes: S3_BUCKET, S3_ENDPOINT_URL (None: AWS), S3_REGION, S3_PREFIX; credentials
    # from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or a profile, a role).
    STORAGE_BACKEND = "local"
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str | None = None
    S3_PREFIX = ""

    # Notifications and webhooks (infrastructure.notifications). The bell asks for news
    # every NOTIFICATION_POLL_SECONDS. A webhook receiver has WEBHOOK_TIMEOUT seconds to
    # connect and to answer; a failed delivery is tried again after each pause of
    # WEBHOOK_RETRY_DELAYS (seconds), then marked failed. Receivers on private, loopback
    # and link-local addresses are refused unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (SSRF).
    # Without a worker (no REDIS_URL), due retries are sent after a request, at most every
    # WEBHOOK_SWEEP_INTERVAL seconds per process (None: only `flask deliver-webhooks`).
    NOTIFICATION_POLL_SECONDS = 30
    WEBHOOK_TIMEOUT = 5.0
    WEBHOOK_RETRY_DELAYS = [30, 120, 600, 3600, 21600, 86400]
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    WEBHOOK_SWEEP_INTERVAL: float | None = 60

    # Saved searches (favourites): new products matching them are looked for every
    # SAVED_SEARCH_ALERT_SECONDS (Celery beat with a worker; without one after requests,
    # at most that often per process; None: never in-process), and
    # mailed to each member at most every SAVED_SEARCH_DIGEST_HOURS (the daily digest).
    SAVED_SEARCH_ALERT_SECONDS: float | None = 900
    SAVED_SEARCH_DIGEST_HOURS = 24

    # Sourcing: sealed rfqs whose closing time has come are opened (all bids together)
    # by Celery beat every RFQ_OPENING_SECONDS, or without a worker after requests at most
    # that often per process (None: only `flask sourcing open-due`, e.g. from cron).
    RFQ_OPENING_SECONDS: float | None = 30

    # Fulfillment: days from the invoice to its due date, per payment term; card payments
    # through Stripe Checkout (STRIPE_API_BASE points the official library elsewhere, e.g.
    # a local stand-in in tests; without STRIPE_SECRET_KEY the checkout is refused).
    PAYMENT_TERM_DAYS = {"tt": 30, "lc_sight": 7, "lc_usance": 90, "dp": 7, "da": 60,
                         "open_account": 60, "card": 0}
    DEFAULT_PAYMENT_TERM_DAYS = 30
    STRIPE_API_BASE = "https://api.stripe.com"
    STRIPE_SECRET_KEY: str | None = None
    STRIPE_WEBHOOK_SECRET: str | None = None
    STRIPE_TIMEOUT = 15  # seconds a checkout waits for Stripe's answer
    # Where "Pay by card" sends the buyer: the payables page's Content-Security-Policy
    # lets its form lead there (browsers check form-action along the redirect).
    STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
    # Billing (member plans as Stripe subscriptions, docs/BILLING.md): the days a company
    # keeps its paid plan after a payment failed, before what exceeds the free plan turns
    # read-only; the billing webhook's signing secret (Stripe signs each endpoint with its
    # own; unset: STRIPE_WEBHOOK_SECRET); where "Manage card and invoices" leads.
    BILLING_GRACE_DAYS = 7
    STRIPE_BILLING_WEBHOOK_SECRET: str | None = None
    STRIPE_PORTAL_ORIGIN = "https://billing.stripe.com"


class Development(Default):
    DEMO_MODE = True
    MAIL_BACKEND = "console"
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # a receiver on this machine


class Testing(Default):
    TESTING = True
    DEMO_MODE = True
    SECRET_KEY = "testing-secret-key"
    MAIL_PORT = 8025
    # Tests opt in to these where they check them
    RATELIMIT_ENABLED = True
    WTF_CSRF_ENABLED = True
    # Argon2 at full strength makes the suite crawl; the hashing code path is the same
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8 * 1024
    # Webhook receivers are local HTTP servers; tests sweep due retries themselves
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    WEBHOOK_SWEEP_INTERVAL = None
    SAVED_SEARCH_ALERT_SECONDS = None  # tests run the alerts themselves
    OUTBOX_SWEEP_SECONDS = None
    RFQ_OPENING_SECONDS = None  # tests open sealed rfqs themselves


class Production(Default):
    PRODUCTION = True
    # No default: links in mail, exports and guest links must point where the app is
    # really served (https://market.example.com); the factory refuses to start without it.
    BASE_URL: str | None = None
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {"default": Default, "development": Development, "testing": Testing,
           "production": Production}

_ENV_OVERRIDES = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI", "REDIS_URL": "REDIS_URL",
                  "SECRET_KEY": "SECRET_KEY", "BASE_URL": "BASE_URL",
                  "STRIPE_API_BASE": "STRIPE_API_BASE", "STRIPE_SECRET_KEY": "STRIPE_SECRET_KEY",
                  "STRIPE_WEBHOOK_SECRET": "STRIPE_WEBHOOK_SECRET",
                  "STRIPE_CHECKOUT_ORIGIN": "STRIPE_CHECKOUT_ORIGIN",
                  "STRIPE_BILLING_WEBHOOK_SECRET": "STRIPE_BILLING_WEBHOOK_SECRET",
                  "STORAGE_BACKEND": "STORAGE_BACKEND", "S3_BUCKET": "S3_BUCKET",
                  "S3_ENDPOINT_URL": "S3_ENDPOINT_URL", "S3_REGION": "S3_REGION",
                  "S3_PREFIX": "S3_PREFIX"}


def load_config(app, name_or_path: str | None = None) -> None:
    """Apply the named settings class (or a settings file), then the environment."""
    name_or_path = name_or_path or os.environ.get("MARKETPLACE_CONFIG", "development")
    if name_or_path in CONFIGS:
        app.config.from_object(CONFIGS[name_or_path])
    else:
        app.config.from_pyfile(os.path.abspath(name_or_path))
    for env_name, key in _ENV_OVERRIDES.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    app.config.from_prefixed_env("MARKETPLACE")
