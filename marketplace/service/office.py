"""The service module's work for the personal office: the cases waiting for the
member's side (its company handles them, or the operator does), each against its
target, so a case past its first-response or resolution target shows as late."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import url_for

from marketplace.infrastructure.office import WorkItem, register_work_items
from marketplace.service import queries as cases
from marketplace.service.notifications import case_number

if TYPE_CHECKING:
    from marketplace.infrastructure.auth import Actor


@register_work_items
def cases_to_answer(actor: Actor) -> Iterable[WorkItem]:
    if actor.company is not None and not actor.can("documents.edit"):
        return []
    return [WorkItem(kind="service_case_to_answer",
                     title=f"{case_number(case)} · {case.subject}",
                     link=url_for("service.case_page", case_id=case.id),
                     since=case.last_message_at, due_at=cases.due_at(case),
                     detail=f"{case.company.name} · {case.type}")
            for case in cases.waiting_for(actor)]
