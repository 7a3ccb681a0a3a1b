"""The operator's office lists the reported products and bulletins waiting for a
decision (one work item each, the longest waiting first), beside the companies to approve."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from flask_babel import lazy_gettext as _l

from marketplace.backoffice import queries
from marketplace.backoffice.models import REASON_LABELS
from marketplace.infrastructure import office

KIND = "reports_to_moderate"
# The office's heading for the kind (its registry of headings is a plain mapping).
office.KINDS.setdefault(KIND, _l("Reported products and bulletins"))


@office.register_work_items
def reports_to_moderate(actor) -> Iterable[office.WorkItem]:
    if not actor.is_operator:
        return []
    link = url_for("back_office.moderation")
    return [office.WorkItem(kind=KIND, title=item.title, link=link,
                            since=item.reports[0].created_at,
                            detail=", ".join(sorted({str(REASON_LABELS[r.reason])
                                                     for r in item.reports})))
            for item in queries.open_reports()[:100]]
