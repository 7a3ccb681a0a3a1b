"""The service targets: how long each type of case may wait for its first answer and
for its resolution, in business days (Monday to Friday, counted from the moment the
case opens), and the arithmetic of business days. Settings: ``SERVICE_CASE_TARGETS``
``{type: {"response_days": n, "resolution_days": n}}`` overrides the defaults."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

DEFAULT_TARGETS: dict[str, dict[str, int]] = {
    "complaint": {"response_days": 1, "resolution_days": 5},
    "quality": {"response_days": 1, "resolution_days": 10},
    "return": {"response_days": 2, "resolution_days": 10},
    "question": {"response_days": 1, "resolution_days": 3},
}


def targets() -> dict[str, dict[str, int]]:
    configured = current_app.config.get("SERVICE_CASE_TARGETS") or {}
    return {kind: {**days, **configured.get(kind, {})} for kind, days in DEFAULT_TARGETS.items()}


def add_business_days(start: datetime, days: int) -> datetime:
    """``start`` moved ``days`` business days on (a weekend does not count; a case
    opened on Saturday is due as if opened on Monday at the same hour)."""
    moment = start
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def due_dates(kind: str, opened_at: datetime) -> tuple[datetime, datetime]:
    target = targets()[kind]
    return (add_business_days(opened_at, target["response_days"]),
            add_business_days(opened_at, target["resolution_days"]))
