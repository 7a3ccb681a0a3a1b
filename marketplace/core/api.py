"""What every JSON API route shares: the problem schema, ETag / If-Match on
versioned resources, and Idempotency-Key on POST."""

from __future__ import annotations

import functools
import hashlib
import json
import time
from datetime import datetime

from flask import current_app, g, make_response, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import String, Text, UniqueConstraint, delete, event, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from marketplace.core.errors import Conflict, PreconditionFailed, ValidationFailed
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import db

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


class ProblemSchema(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    allowed_actions = fields.List(fields.String(), metadata={
        "description": "409: the actions allowed in the current state"})
    current_version = fields.Integer(metadata={"description": "412: the stored version"})
    limit = fields.String(metadata={
        "description": "409/429 plan limit: which limit (core/limits.py), e.g. products"})
    allowed = fields.Integer(metadata={"description": "409/429 plan limit: what the plan allows"})
    used = fields.Integer(metadata={"description": "409/429 plan limit: what is used"})


def problem_responses(*statuses: int) -> dict:
    """OpenAPI ``responses`` entries for the refusals a route can give."""
    return {
        str(status): {
            "description": str(_l("Refused; see detail")),
            "content": {"application/problem+json": {"schema": PROBLEM_REF}},
        }
        for status in statuses
    }


# ----- versions: ETag out, If-Match in ------------------------------------------------


def etag_of(resource) -> str:
    return f'"{resource.version}"'


def check_if_match(resource) -> None:
    """Refuse (412) a write whose If-Match names another version than the stored one."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag_of(resource) not in wanted:
        raise PreconditionFailed(
            str(_l("You sent version %(sent)s but the record is at version %(now)s. "
                   "Reload it and apply your change again.",
                   sent=header, now=resource.version)),
            current_version=resource.version)


# For ``Blueprint.response(..., headers=ETAG_HEADER)`` on versioned resources.
ETAG_HEADER = {"ETag": {"description": "The version, quoted: send it back as If-Match",
                        "schema": {"type": "string"}}}


def honours_if_match(view):
    """Document the If-Match a write of a versioned resource honours (412 when stale)."""
    return Blueprint.doc(
        parameters=[{"in": "header", "name": "If-Match", "required": False,
                     "description": "The ETag you read; a stale one is refused with 412",
                     "schema": {"type": "string"}}],
        responses=problem_responses(412))(view)


def with_etag(response, resource):
    response = make_response(response)
    response.headers["ETag"] = etag_of(resource)
    return response


# ----- Idempotency-Key ------------------------------------------------------------------


class IdempotencyRecord(db.Model):
    """A claimed Idempotency-Key and, once its request has answered, that first answer,
    replayed for repeats. A row without ``status_code`` is a request still in flight."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("principal", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    principal: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(500))
    etag: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


def _request_fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}?{request.query_string.decode()}\n".encode())
    digest.update(request.get_data(cache=True))
    if request.mimetype == "multipart/form-data":  # parsed already: get_data() is empty
        # A part may come without a name (werkzeug gives it None): sort as text.
        for name, value in sorted(request.form.items(multi=True),
                                  key=lambda item: (str(item[0]), item[1])):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True),
                                   key=lambda item: str(item[0])):
            digest.update(f"{name}:{upload.filename}\n".encode())
            upload.stream.seek(0)
            for chunk in iter(lambda stream=upload.stream: stream.read(1 << 20), b""):
                digest.update(chunk)
            upload.stream.seek(0)
    return digest.hexdigest()


def _principal() -> str:
    return getattr(g, "api_principal", None) or f"anonymous:{request.remote_addr}"


IDEMPOTENCY_PARAMETER = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "description": "Any unique string (a UUID): the same key with the same body answers the "
                   "first response again and creates nothing new; with another body, 422.",
    "schema": {"type": "string", "maxLength": 255}}


def idempotent(view):
    """Same key and body: the first response again, nothing created twice.
    Same key, other body: 422. Apply inside the authentication decorator.

    The key is claimed before the work, by inserting its row in a transaction of its
    own (INSERT ... ON CONFLICT DO NOTHING): of parallel requests with one key exactly
    one inserts it and does the work; the others wait for its answer and replay it, or
    answer 409 if it takes longer than IDEMPOTENCY_WAIT_SECONDS. The answer is written
    into the claimed row in the request's own transaction, so the work and its record
    are committed together; a request that fails releases its claim."""

    @Blueprint.doc(parameters=[IDEMPOTENCY_PARAMETER], responses=problem_responses(409))
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return view(*args, **kwargs)
        if len(key) > 255:
            raise ValidationFailed(errors={"Idempotency-Key": [str(_l("At most 255 characters."))]})
        principal, fingerprint = _principal(), _request_fingerprint()
        # The authentication's bookkeeping (a key's last use) is stored now, so that this
        # request holds no connection while it claims the key or waits for another.
        db.session.commit()
        claim_id, record = _claim_or_wait(principal, key, fingerprint)
        if claim_id is None:
            return _replay(record, fingerprint)
        db.session.info[_CLAIM] = claim_id
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            _release(claim_id)
            raise
        if response.status_code >= 400:
            _release(claim_id)
            return response
        db.session.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == claim_id).values(
            status_code=response.status_code, body=response.get_data(as_text=True),
            location=response.headers.get("Location"), etag=response.headers.get("ETag")))
        return response

    return wrapper


_CLAIM = "idempotency_claim"
_POLL_SECONDS = 0.05


def _claim_or_wait(principal: str, key: str, fingerprint: str
                   ) -> tuple[int | None, IdempotencyRecord | None]:
    """Claim the key (its row id, None) or wait for the request holding it and answer
    (None, its finished record). Raises 409 when the holder takes too long."""
    config = current_app.config
    deadline = time.monotonic() + float(config["IDEMPOTENCY_WAIT_SECONDS"])
    while True:
        with db.engine.begin() as connection:
            claim_id = _insert_claim(connection, principal, key, fingerprint)
            if claim_id is not None:
                return claim_id, None
            record = connection.execute(select(IdempotencyRecord.__table__).where(
                IdempotencyRecord.principal == principal,
                IdempotencyRecord.key == key)).first()
            if record is not None and _expired(record):
                # An old answer, or a claim whose request died: free the key, claim again.
                connection.execute(delete(IdempotencyRecord).where(
                    IdempotencyRecord.id == record.id))
                continue
        if record is not None and record.status_code is not None:
            return None, IdempotencyRecord(**record._asdict())
        if record is not None and record.request_hash != fingerprint:
            _refuse_other_body()
        if time.monotonic() >= deadline:
            raise Conflict(str(_l("A request with this Idempotency-Key is still in progress. "
                                  "Send it again in a moment to get its answer.")))
        time.sleep(_POLL_SECONDS)


def _insert_claim(connection, principal: str, key: str, fingerprint: str) -> int | None:
    table = IdempotencyRecord.__table__
    insert = (postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert)
    statement = insert(table).values(
        principal=principal, key=key, request_hash=fingerprint, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["principal", "key"]).returning(table.c.id)
    return connection.execute(statement).scalar()


def _expired(record) -> bool:
    config = current_app.config
    age = utcnow() - record.created_at
    if record.status_code is None:
        return age > config["IDEMPOTENCY_CLAIM_LEASE"]
    return age > config["IDEMPOTENCY_KEY_LIFETIME"]


def _release(claim_id: int) -> None:
    """Free a key whose request failed (nothing of it is stored), so it can be sent again."""
    with db.engine.begin() as connection:
        connection.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.id == claim_id, IdempotencyRecord.status_code.is_(None)))


@event.listens_for(Session, "after_commit")
def _forget_claim(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released; the claim is kept until the request commits
    session.info.pop(_CLAIM, None)


@event.listens_for(Session, "after_rollback")
def _release_claim_on_rollback(session: Session) -> None:
    """The commit at the request boundary can still fail (a conflict found at commit):
    the claim is released with the rest of the request's work (not when only a
    savepoint inside the request rolls back)."""
    if session.in_nested_transaction():
        return
    claim_id = session.info.pop(_CLAIM, None)
    if claim_id is not None:
        _release(claim_id)


def _refuse_other_body():
    raise ValidationFailed(
        str(_l("This Idempotency-Key was already used for a different request. "
               "Use a new key for a new request.")),
        errors={"Idempotency-Key": [str(_l("Already used with another body."))]})


def _replay(record: IdempotencyRecord, fingerprint: str):
    if record.request_hash != fingerprint:
        _refuse_other_body()
    response = make_response(record.body, record.status_code)
    response.mimetype = "application/json"
    response.headers["Idempotent-Replayed"] = "true"
    if record.location:
        response.headers["Location"] = record.location
    if record.etag:
        response.headers["ETag"] = record.etag
    json.loads(record.body)  # a stored body is always JSON; fail loudly if not
    return response
