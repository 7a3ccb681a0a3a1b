"""A savepoint inside a request (``begin_nested``: a number taken again, a replay that
lost a race) rolls back only its own writes: the side work the request queued before it
is still handed over when the request commits."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.core import outbox
from marketplace.core.boundary import after_commit, commit
from marketplace.core.outbox import JobStatus, OutboxJob
from marketplace.extensions import db

DONE: list[str] = []


@outbox.handler("test.savepoint_note")
def _note(text: str) -> None:
    DONE.append(text)


def _savepoint_rolled_back() -> None:
    try:
        with db.session.begin_nested():
            raise RuntimeError("a conflict the operation recovers from")
    except RuntimeError:
        pass


def test_outbox_job_queued_before_a_rolled_back_savepoint_runs_after_commit(ctx):
    DONE.clear()
    outbox.enqueue("test.savepoint_note", text="before the savepoint")
    _savepoint_rolled_back()
    commit()

    assert DONE == ["before the savepoint"]
    job = db.session.scalars(select(OutboxJob).where(
        OutboxJob.task == "test.savepoint_note")).one()
    assert job.status == JobStatus.DONE


def test_after_commit_work_survives_a_released_and_a_rolled_back_savepoint(ctx):
    ran = []
    after_commit(lambda: ran.append("told"))
    with db.session.begin_nested():
        pass
    _savepoint_rolled_back()
    assert ran == []  # neither savepoint is the request's commit
    commit()
    assert ran == ["told"]


def test_a_real_rollback_still_drops_the_queued_work(ctx):
    DONE.clear()
    outbox.enqueue("test.savepoint_note", text="rolled back")
    db.session.rollback()
    commit()
    assert DONE == []
    assert db.session.scalars(select(OutboxJob).where(
        OutboxJob.task == "test.savepoint_note")).all() == []
