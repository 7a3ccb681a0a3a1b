"""Extensions, created unbound here and bound to the app in ``create_app``."""

import http

import flask_smorest
from celery import Celery, Task
from flask import has_app_context
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from marketplace.core.arguments import RequiredBodyParser

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()


class FallbackLimiter(Limiter):
    """Flask-Limiter, counting in this process's memory while its storage (Redis) is
    away (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED: a warning is logged, and the storage is
    tried again with a growing pause until it answers). The limiter is process-wide:
    an app bound to it starts on its own storage, not in the fallback an earlier app
    fell into."""

    def init_app(self, app) -> None:
        super().init_app(app)
        self._storage_dead = False


limiter = FallbackLimiter(key_func=get_remote_address)


def decimal_answered_as_string(converter, field, ret, **kwargs) -> dict:
    """A Decimal field that answers a string ("12.50", API.md's money and figures) is
    documented as one; apispec says "number" for every Decimal."""
    from marshmallow import fields

    if isinstance(field, fields.Decimal) and field.as_string and ret.get("type") == "number":
        return {"type": "string", "format": "decimal"}
    return {}


class ProblemApi(Api):
    """flask-smorest's Api, documenting its standard error responses (``default``, the
    422 of ``arguments``) as core.errors answers them: application/problem+json with the
    Problem schema, not flask-smorest's own JSON error shape."""

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        self.ma_plugin.converter.add_attribute_function(decimal_answered_as_string)

    def _register_responses(self):
        from marketplace.core.api import ProblemSchema
        from marketplace.core.errors import PROBLEM_MEDIA_TYPE

        self.spec.components.schema("Problem", schema=ProblemSchema)

        def problem(description: str) -> dict:
            return {"description": description,
                    "content": {PROBLEM_MEDIA_TYPE: {"schema": ProblemSchema}}}

        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response = problem(status.phrase)
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME,
                                       problem("Refused or failed; see detail"), lazy=True)


api = ProblemApi()
# Every module's API blueprint reads its arguments through this parser (set before any
# route is declared: ``@blp.arguments`` takes the parser when it decorates).
flask_smorest.Blueprint.ARGUMENTS_PARSER = RequiredBodyParser()


class AppContextTask(Task):
    """Tasks run inside the Flask app: in-process (eager) within the request's
    context, in a worker within the app bound by ``create_app``."""

    def __call__(self, *args, **kwargs):
        if has_app_context():
            return super().__call__(*args, **kwargs)
        with self.app.flask_app.app_context():
            return super().__call__(*args, **kwargs)


class MarketplaceCelery(Celery):
    def close(self):
        """Forget pooled connections, so a new broker_url is used from here on. Celery's
        own close() drops the connection pool but keeps the producer pool built from it,
        which goes on publishing to the broker it was made for (memory:// after an app
        without REDIS_URL)."""
        amqp = self.__dict__.get("amqp")
        if amqp is not None:
            # Not force-closed: kombu keeps it in its per-broker registry and would hand
            # the closed pool back when that broker is configured again.
            amqp._producer_pool = None
        super().close()


celery = MarketplaceCelery("marketplace", task_cls=AppContextTask)
