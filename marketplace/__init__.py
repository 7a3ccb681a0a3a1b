"""Marketplace: a B2B e-marketplace. ``create_app`` builds the application."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from urllib.parse import urlparse

from flask import Flask, g, jsonify, request, send_from_directory, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from config import DEMO_SECRET_KEY, load_config
from marketplace.core.schemas import MAX_ID

STATIC_ENDPOINTS = frozenset({"static", "bootstrap.static", "swagger_ui_assets", "healthz"})


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a non-negative integer up to MAX_ID (documented so);
    a larger id in a URL names nothing (404) and must not reach the database."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


LANGUAGE_ALIASES = {"zh": "zh_Hant", "zh_TW": "zh_Hant", "zh_Hant": "zh_Hant", "en": "en"}


def create_app(config: str | None = None, overrides: dict | None = None,
               instance_path: str | None = None) -> Flask:
    """Build the application from a settings name or file path, then ``overrides``."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.url_map.converters["int"] = IdConverter
    load_config(app, config)
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _refuse_default_secrets(app)
    _require_base_url(app)
    _trust_proxies(app)
    _configure_database(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)
    from marketplace import cli

    cli.register(app)
    return app


def _refuse_default_secrets(app: Flask) -> None:
    """Outside demo mode a real secret key is required; production settings also refuse
    demo mode itself (MARKETPLACE_DEMO_MODE=true would waive the key check)."""
    if app.config.get("PRODUCTION") and app.config["DEMO_MODE"]:
        raise RuntimeError("Production settings refuse demo mode: unset MARKETPLACE_DEMO_MODE.")
    if app.config["DEMO_MODE"]:
        return
    key = app.config["SECRET_KEY"]
    if key in (DEMO_SECRET_KEY, "", None):
        raise RuntimeError("Set SECRET_KEY (or MARKETPLACE_SECRET_KEY): production refuses the "
                           "demo secret key.")
    minimum = app.config["MIN_SECRET_KEY_BYTES"]
    if len(key.encode() if isinstance(key, str) else key) < minimum:
        raise RuntimeError(f"SECRET_KEY must be at least {minimum} bytes long (for example "
                           "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`).")


def _require_base_url(app: Flask) -> None:
    """Production writes links (mail, exports, guest links) with BASE_URL, and a worker
    has no request to read the host from: it must be said, and be an http(s) address."""
    if not app.config.get("PRODUCTION"):
        return
    base_url = app.config.get("BASE_URL") or ""
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise RuntimeError(
            "Set BASE_URL (or MARKETPLACE_BASE_URL) to the address the app is served at, "
            "e.g. BASE_URL=https://market.example.com: links in mail and exports point "
            f"there, and production does not guess it (got {base_url!r}).")


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address, scheme and host are
    the ones they forward (rate limits count the client, not the proxy); with none (the
    default), forwarded headers are ignored, so a client cannot name its own address."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _configure_database(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = f"sqlite:///{Path(app.instance_path) / 'marketplace.db'}"
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # Copies: the settings class's dict is shared by every app built in this process,
        # and SQLite's "timeout" must not leak into a later PostgreSQL app's connect_args.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _init_extensions(app: Flask) -> None:
    from marketplace.extensions import (
        api,
        babel,
        bootstrap,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
    )

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(
        Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "infrastructure.login"
    login_manager.session_protection = None  # the server-side login session does this job
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _install_template_gettext(app)
    bootstrap.init_app(app)
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    limiter.init_app(app)
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer",
                       "description": "A token from POST /auth/token or a company API key"}}}})
    # The Problem schema is registered by ProblemApi, with the error responses that use it.
    _init_celery(app)


def _install_template_gettext(app: Flask) -> None:
    """Templates' ``_()`` through the request's translations, looked up once a request.

    Flask-Babel's own callables ask get_translations() → get_domain() → get_locale() for
    every ``_()``, each through ``g`` (~2,000 a page, a tenth of a page's CPU). The
    translations found are kept in Flask-Babel's request state beside the locale and domain
    they were found for, and used while those are the same objects and the domain's cache
    still holds them: force_locale (mails in the recipient's language), refresh() and a
    cleared cache (tests adding translations) all look them up again."""
    from flask_babel import get_translations

    def translations():
        try:
            ctx = g._flask_babel
        except (AttributeError, RuntimeError):  # not yet asked this request, or no app context
            return get_translations()
        kept = getattr(ctx, "template_translations", None)
        if kept is not None:
            locale, domain, key, found = kept
            if getattr(ctx, "babel_locale", None) is locale and \
                    getattr(ctx, "babel_domain", None) is domain and domain.cache.get(key) is found:
                return found
        found = get_translations()
        locale, domain = getattr(ctx, "babel_locale", None), getattr(ctx, "babel_domain", None)
        if locale is not None and domain is not None:
            key = (str(locale), domain.domain[0])
            if domain.cache.get(key) is found:
                ctx.template_translations = (locale, domain, key, found)
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


def _init_celery(app: Flask) -> None:
    from marketplace.extensions import celery

    redis_url = app.config.get("REDIS_URL")
    eager = app.config.get("CELERY_TASK_ALWAYS_EAGER")
    celery.conf.update(
        broker_url=redis_url or "memory://",
        task_always_eager=(not redis_url) if eager is None else eager,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        # A publish does not try to reach Redis again (kombu's default: for the 4 s of
        # broker_connection_timeout, per job): the job's row is written already and the
        # sweep hands it over once Redis answers (core/outbox.py), so a request that
        # queued work answers at once while Redis is away instead of seconds later. The
        # worker's own connection keeps retrying (broker_connection_max_retries).
        broker_transport_options={"max_retries": 0},
        # A job is acknowledged once done, and given back when its worker dies, so a
        # killed worker loses nothing (core/outbox.py: the outbox's lease covers Redis,
        # which gives an unacknowledged job back only after its visibility timeout).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # The beat process sets beat_schedule (marketplace/worker.py, core/sweeps.py).
    )
    celery.close()  # connections pooled for an earlier configuration are not reused
    celery.flask_app = app
    app.extensions["celery"] = celery
    from marketplace.core import outbox

    app.after_request(outbox.request_end_sweep.after_request)


def _register_blueprints(app: Flask) -> None:
    from marketplace import (
        backoffice,
        billing,
        buying_requests,
        content,
        conversations,
        crm,
        favourites,
        fulfillment,
        infrastructure,
        service,
        sourcing,
        supplier_link,
        trading,
    )
    from marketplace.extensions import api, csrf

    for module in (infrastructure, content, trading, conversations, fulfillment,
                   supplier_link, crm, sourcing, buying_requests, favourites, service,
                   billing, backoffice):
        _import_routes(module.__name__)
        app.register_blueprint(module.bp)
        for blueprint in module.API_BLUEPRINTS:
            # Bearer calls need no CSRF token; cookie-authenticated API writes are
            # checked in infrastructure.auth.api_auth instead.
            csrf.exempt(blueprint)
            api.register_blueprint(blueprint, url_prefix="/api/v1" + (blueprint.url_prefix or ""))

    import swagger_ui_bundle

    @app.route("/api/v1/docs/assets/<path:filename>")
    def swagger_ui_assets(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.route("/healthz")
    def healthz():
        from marketplace.core.health import report

        body, status = report()
        return jsonify(body), status


def _import_routes(package: str) -> None:
    """Load a module's models, and its ``api`` and ``views``, which attach their routes
    to the module's blueprints."""
    for room in ("models", "api", "views"):
        if importlib.util.find_spec(f"{package}.{room}") is not None:
            importlib.import_module(f"{package}.{room}")


def select_locale() -> str:
    from flask import has_request_context

    from marketplace.infrastructure.auth import current_actor

    if not has_request_context():  # CLI commands and background jobs speak English
        return "en"
    languages = list(LANGUAGE_ALIASES)
    actor = current_actor()
    if actor is not None and actor.user is not None and "language" not in session:
        return actor.user.language
    if session.get("language"):
        return session["language"]
    best = request.accept_languages.best_match(languages, default="en")
    return LANGUAGE_ALIASES.get(best, "en")


def _register_hooks(app: Flask) -> None:
    from marketplace.core import boundary, slots
    from marketplace.core.errors import register_error_handlers
    from marketplace.core.validation import refuse_hostile_input
    from marketplace.infrastructure.auth import bind_actor, portal_actor, refuse_read_only_member

    register_error_handlers(app)
    boundary.init_app(app)
    app.jinja_env.globals["slot"] = slots.render
    app.before_request(refuse_hostile_input)

    @app.before_request
    def bind_portal_actor():
        if not request.path.startswith("/api/") and request.endpoint not in STATIC_ENDPOINTS:
            bind_actor(portal_actor())

    app.before_request(refuse_read_only_member)  # a member beyond the plan reads only

    @app.after_request
    def security_headers(response):
        docs = request.path.startswith("/api/v1/docs")
        script = "'self' 'unsafe-inline'" if docs else "'self'"
        # A page whose form redirects off-site (a card checkout) names that origin in
        # g.form_action_origins: form-action is checked along the redirect.
        forms = " ".join(["'self'", *getattr(g, "form_action_origins", ())])
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:; frame-ancestors 'none'; form-action {forms}; "
            "base-uri 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def portal_context():
        from flask_babel import get_locale

        from marketplace.infrastructure.auth import current_actor

        return {"actor": current_actor(), "languages": app.config["LANGUAGES"],
                "get_locale": get_locale}
