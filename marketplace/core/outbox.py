"""The transactional outbox: side work (mail, webhooks, index updates, imports, file
clean-up) is a row written in the transaction of the change it follows.

``enqueue("mail.send", message=...)`` adds an ``OutboxJob`` row to the current unit
of work: a rollback drops it with the change, a commit stores both. Once the
transaction has committed the job is handed to Celery (with REDIS_URL) or run
in-process (without). Whatever happens next, the row stays until the job is done:

- Redis away when the job is handed over: the row waits; the sweep (after requests,
  every OUTBOX_SWEEP_SECONDS by Celery beat, ``flask jobs retry``) hands it over again
  once Redis answers.
- No worker: the message waits in Redis for one.
- The process ends between the commit and the hand-over: the row was written as handed
  over (so a request costs no second commit), and the sweep takes it once the lease
  (OUTBOX_LEASE_SECONDS) has passed.
- A worker killed mid-job: the message is acknowledged late (``acks_late``,
  ``reject_on_worker_lost``), and the row, claimed for OUTBOX_LEASE_SECONDS, is due
  again once the lease ends, so the sweep hands it over again.
- The handler fails: tried again after growing pauses, OUTBOX_MAX_ATTEMPTS times,
  then marked failed (``flask jobs`` lists it, ``flask jobs retry`` runs it again).

A job runs once: running it first *claims* the row (one conditional UPDATE), so a
second message for the same row finds it claimed or done and does nothing. Handlers
are idempotent besides (a worker killed after the work and before the row is marked
done makes the work run again: mail may then go out twice, nothing is lost).

Handlers are plain functions registered by name with ``@handler("name")``; their
keyword arguments must be JSON (ids, strings, lists). A handler answers None when
done, or a number of seconds after which the job is to run again (a webhook's next
attempt). ``boundary.after_commit`` remains for work that cannot be written down
as JSON (none at present).
"""

from __future__ import annotations

import enum
import logging
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import (
    JSON,
    Enum,
    Index,
    String,
    Text,
    event,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from marketplace.core.boundary import after_commit, side_work_is_dropped
from marketplace.core.boundary import commit as commit_unit
from marketplace.core.sweeps import RequestEndSweep
from marketplace.core.types import UTCDateTime, utcnow
from marketplace.extensions import celery, db

log = logging.getLogger(__name__)

_HANDLERS: dict[str, Callable[..., float | None]] = {}
_NEW = "outbox_new_jobs"


class JobStatus(enum.StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OutboxJob(db.Model):
    """A piece of side work written with the change it follows; done once."""

    __tablename__ = "outbox_jobs"
    __table_args__ = (Index("ix_outbox_jobs_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(100))
    kwargs: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=20,
             values_callable=lambda members: [m.value for m in members]),
        default=JobStatus.WAITING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When it was last handed to Celery; a job handed over and not run within the lease
    # (Redis lost the message, the worker died) is handed over again.
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WorkerHeartbeat(db.Model):
    """The last sign of life of each Celery worker (``/healthz`` reads the newest)."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RetryLater(Exception):
    """Raised by a handler that cannot do its work now (an index locked by another
    writer): an attempt that counts, tried again after ``seconds``."""

    def __init__(self, seconds: float, reason: str = ""):
        super().__init__(reason or f"try again in {seconds} s")
        self.seconds = seconds


def handler(name: str, *, in_background: bool = False):
    """Register the function that does the jobs named ``name``. ``in_background``: long
    work a person waits for with a progress bar (a document set's PDFs); without a
    worker it runs in a thread of this process once the request has committed, so the
    answer does not wait for it (``OUTBOX_BACKGROUND_THREADS``, off while testing)."""

    def register(function):
        _HANDLERS[name] = function
        if in_background:
            _IN_BACKGROUND.add(name)
        else:
            _IN_BACKGROUND.discard(name)
        return function

    return register


def enqueue(task: str, **kwargs) -> OutboxJob | None:
    """Write a job into the current transaction; it is handed over once that commits.
    None inside ``boundary.side_work_dropped`` (a replay of past trade queues nothing)."""
    if task not in _HANDLERS:
        raise LookupError(f"no outbox handler named {task!r}")
    if side_work_is_dropped():
        return None
    now = utcnow()
    # Handed over right after the commit (to Celery): stamped so now, in the row's own
    # INSERT, instead of an UPDATE and a second commit after the hand-over; a hand-over
    # that fails clears the stamp at once (hand_over), so the sweep takes the job again.
    job = OutboxJob(task=task, kwargs=kwargs, status=JobStatus.WAITING,
                    next_attempt_at=now, attempts=0, handed_at=None if eager() else now)
    db.session.add(job)
    new = db.session.info.get(_NEW)
    if new is None:
        new = db.session.info[_NEW] = []
        after_commit(_hand_over_new)
    new.append((job, task))  # the task by name: the row is expired once committed
    return job


@event.listens_for(Session, "after_rollback")
def _forget_new(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a savepoint: the request's jobs are still to be written
    session.info.pop(_NEW, None)  # their rows were rolled back with the change


def _id_of(job: OutboxJob) -> int | None:
    # From the row's identity: reading ``job.id`` after the commit would load the
    # expired row again, one SELECT per job on every request that queued work.
    identity = inspect(job).identity
    return identity[0] if identity else None


def _hand_over_new() -> None:
    jobs = [(_id_of(job), task) for job, task in db.session.info.pop(_NEW, [])]
    ids = [job_id for job_id, _ in jobs if job_id is not None]
    if eager() and _threads_wanted():
        later = [job_id for job_id, task in jobs
                 if job_id is not None and task in _IN_BACKGROUND]
        if later:
            ids = [job_id for job_id in ids if job_id not in later]
            _run_in_thread(later)
    hand_over(ids, stamped=True)


# ----- without a worker: long jobs in a thread of this process --------------------------------

_IN_BACKGROUND: set[str] = set()
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def _threads_wanted() -> bool:
    return bool(current_app.config.get("OUTBOX_BACKGROUND_THREADS", not current_app.testing))


def _run_in_thread(job_ids: list[int]) -> None:
    """The jobs run one after the other in a thread with its own app context (and
    database session). The rows are already committed and claimed as any job is: if
    this process ends first, the sweep hands them over again after the lease."""
    app = current_app._get_current_object()

    def work() -> None:
        with app.app_context():
            try:
                for job_id in job_ids:
                    run_job(job_id)
            except Exception:  # noqa: BLE001 - the row keeps its state; the sweep retries
                log.exception("outbox: background jobs %s stopped", job_ids)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"outbox-{job_ids[0]}", daemon=True)
    with _threads_lock:
        _threads[:] = [alive for alive in _threads if alive.is_alive()] + [thread]
    thread.start()


def join_background(timeout: float | None = None) -> bool:
    """Wait for the jobs this process runs in threads (tests, a clean shutdown); True
    when none is left running."""
    with _threads_lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in running)


def eager() -> bool:
    return bool(celery.conf.task_always_eager)


def hand_over(job_ids: list[int], *, stamped: bool = False) -> int:
    """Run the jobs in-process (no Redis), or send each to Celery; a job Celery cannot
    take now (Redis away) stays waiting for the next sweep. ``stamped``: the rows were
    written handed over (a request's new jobs, sent in one message when several), so
    only those Celery could not take are written again (not handed). The number handed
    over."""
    if eager():
        for job_id in job_ids:
            run_job(job_id)
        return len(job_ids)
    handed = _send_together(job_ids) if stamped and len(job_ids) > 1 else _send_each(job_ids)
    if stamped:
        kept = [job_id for job_id in job_ids if job_id not in handed]
        if kept:
            db.session.execute(update(OutboxJob).where(OutboxJob.id.in_(kept))
                               .values(handed_at=None))
            db.session.commit()
    elif handed:
        db.session.execute(update(OutboxJob).where(OutboxJob.id.in_(handed))
                           .values(handed_at=utcnow()))
        db.session.commit()
    return len(handed)


def _send_each(job_ids: list[int]) -> list[int]:
    """The jobs handed over, one message each, until Redis refuses one."""
    handed = []
    for job_id in job_ids:
        try:
            run_outbox_job.apply_async(args=[job_id], retry=False)
        except Exception as error:  # Redis away: the row waits, nothing is lost
            log.warning("outbox: job %s kept until Redis answers (%s)", job_id, error)
            break
        handed.append(job_id)
    return handed


def _send_together(job_ids: list[int]) -> list[int]:
    """A request's jobs in one message (one hand-over to Redis instead of one each: about
    a millisecond of this process's time apiece); the worker runs them one by one, each
    claimed, retried and failed on its own as when sent apart. [] when Redis refused it:
    the rows wait for the sweep."""
    try:
        run_outbox_jobs.apply_async(args=[job_ids], retry=False)
    except Exception as error:  # noqa: BLE001 - the rows wait, nothing is lost
        log.warning("outbox: jobs %s kept until Redis answers (%s)", job_ids, error)
        return []
    return list(job_ids)


# ----- running a job ----------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config["OUTBOX_LEASE_SECONDS"]))


def _claimable(now: datetime):
    return or_(
        (OutboxJob.status == JobStatus.WAITING) & (OutboxJob.next_attempt_at <= now),
        # Claimed by a worker that never reported back (killed): due again after the lease.
        (OutboxJob.status == JobStatus.RUNNING) & (OutboxJob.next_attempt_at <= now))


def _claim(job_id: int) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxJob).where(OutboxJob.id == job_id, _claimable(now))
        .values(status=JobStatus.RUNNING, attempts=OutboxJob.attempts + 1,
                next_attempt_at=now + _lease())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def run_job(job_id: int) -> bool:
    """Claim the job and run its handler; False when it was not there to run (done,
    claimed by another, not due)."""
    if not _claim(job_id):
        return False
    job = db.session.get(OutboxJob, job_id)
    task, kwargs = job.task, dict(job.kwargs or {})
    try:
        again = _HANDLERS[task](**kwargs)
    except RetryLater as later:
        db.session.rollback()
        log.warning("outbox job %s (%s): %s", job_id, task, later)
        _record_failure(job_id, later, pause=later.seconds)
        return True
    except Exception as error:
        db.session.rollback()
        log.exception("outbox job %s (%s) failed", job_id, task)
        _record_failure(job_id, error)
        return True
    _finish(job_id, again)
    return True


def _finish(job_id: int, again: float | None) -> None:
    # What the handler wrote and the job's end are committed together.
    values = ({"status": JobStatus.DONE, "done_at": utcnow(), "last_error": None}
              if again is None else
              {"status": JobStatus.WAITING, "attempts": 0, "handed_at": None,
               "next_attempt_at": utcnow() + timedelta(seconds=float(again))})
    db.session.execute(update(OutboxJob).where(OutboxJob.id == job_id).values(**values))
    commit_unit()
    if again is not None and not eager():
        _hand_over_later(job_id, values["next_attempt_at"], float(again))


def _hand_over_later(job_id: int, due: datetime, countdown: float) -> None:
    """A worker's job that runs again later goes back to Celery with a countdown; if
    Redis cannot take it now, the sweep hands it over when it is due."""
    try:
        run_outbox_job.apply_async(args=[job_id], countdown=countdown, retry=False)
    except Exception as error:  # noqa: BLE001
        log.warning("outbox: job %s waits for the sweep (%s)", job_id, error)
        return
    db.session.execute(update(OutboxJob).where(OutboxJob.id == job_id).values(handed_at=due))
    db.session.commit()


def _record_failure(job_id: int, error: Exception, pause: float | None = None) -> None:
    job = db.session.get(OutboxJob, job_id)
    config = current_app.config
    job.last_error = f"{type(error).__name__}: {error}"[:2000]
    job.handed_at = None
    if job.attempts >= int(config["OUTBOX_MAX_ATTEMPTS"]):
        job.status = JobStatus.FAILED
        log.error("outbox job %s (%s) failed %s times: %s", job_id, job.task, job.attempts,
                  job.last_error)
        commit_unit()
        return
    job.status = JobStatus.WAITING
    if pause is None:
        pause = min(float(config["OUTBOX_RETRY_SECONDS"]) * 2 ** (job.attempts - 1), 3600.0)
    due = job.next_attempt_at = utcnow() + timedelta(seconds=pause)
    commit_unit()
    if not eager():
        _hand_over_later(job_id, due, pause)


@celery.task(name="marketplace.outbox.run", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def run_outbox_job(job_id: int) -> None:
    if not celery.conf.task_always_eager:
        beat()
    run_job(job_id)


@celery.task(name="marketplace.outbox.run_several", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def run_outbox_jobs(job_ids: list[int]) -> None:
    """A request's jobs, handed over in one message: each runs as ``run_outbox_job`` runs
    it (a job done or claimed meanwhile is left alone; a message delivered again after a
    worker died runs only what is not done)."""
    if not celery.conf.task_always_eager:
        beat()
    for job_id in job_ids:
        run_job(job_id)


# ----- the sweep, the heartbeat ------------------------------------------------------------


def due_jobs(limit: int = 200) -> list[int]:
    """Waiting or abandoned jobs that are due and not handed over within the lease."""
    now = utcnow()
    return list(db.session.scalars(
        select(OutboxJob.id).where(_claimable(now), or_(
            OutboxJob.handed_at.is_(None), OutboxJob.handed_at <= now - _lease()))
        .order_by(OutboxJob.next_attempt_at, OutboxJob.id).limit(limit)))


def sweep() -> int:
    """Hand over every due job; the number handed over."""
    total = 0
    while ids := due_jobs():
        handed = hand_over(ids)
        total += handed
        if handed < len(ids) or eager():
            break
    return total


@celery.task(name="marketplace.outbox.sweep", ignore_result=True)
def sweep_task() -> None:
    """Celery beat's periodic call: a sign of life of the worker, and the sweep."""
    beat()
    sweep()


def beat() -> None:
    name = f"{socket.gethostname()}"[:200]
    now = utcnow()
    if db.session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.name == name)
                          .values(beat_at=now)).rowcount == 0:
        db.session.add(WorkerHeartbeat(name=name, beat_at=now))
    db.session.commit()


def last_heartbeat() -> datetime | None:
    return db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))


def waiting_and_failed(limit: int = 500) -> list[OutboxJob]:
    return list(db.session.scalars(
        select(OutboxJob).where(OutboxJob.status != JobStatus.DONE)
        .order_by(OutboxJob.id).limit(limit)))


def retry(job_ids: list[int] | None = None) -> int:
    """Failed jobs (these, or all) wait again, due now; then the sweep. The number handed."""
    condition = OutboxJob.status == JobStatus.FAILED
    if job_ids:
        condition = condition & OutboxJob.id.in_(job_ids)
    db.session.execute(update(OutboxJob).where(condition).values(
        status=JobStatus.WAITING, attempts=0, next_attempt_at=utcnow(), handed_at=None))
    db.session.commit()
    return sweep()


# Due jobs (kept while Redis was away, or retries) are handed over every
# OUTBOX_SWEEP_SECONDS: by Celery beat with a worker, else after a response has gone
# out, at most once per interval in each process (core/sweeps.py).
request_end_sweep = RequestEndSweep("OUTBOX_SWEEP_SECONDS", sweep, what="the outbox",
                                    beat_task="marketplace.outbox.sweep", beat_fallback=30.0)
