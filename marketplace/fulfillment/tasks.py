"""Fulfillment's background job: the PDFs of a document set issued in one go, laid out
by a worker (or, without Redis, in a thread of the app's process once the request has
committed: the answer never waits for them) while the portal shows their progress
(``DocumentRender.done`` of ``total``).

Each PDF goes to the print cache (``exports.cached_pdf``): a revision is laid out
once, and the download that follows serves the stored file. The job commits after
each paper, so the progress moves; run twice, it finds the prints already made."""

from __future__ import annotations

import logging

from flask_babel import force_locale

from marketplace.core import boundary, outbox
from marketplace.core.types import utcnow
from marketplace.extensions import db
from marketplace.fulfillment import exports
from marketplace.fulfillment.models import DocumentRender, DocumentRenderStatus, ShippingDocument

log = logging.getLogger(__name__)

RENDER_DOCUMENTS = "fulfillment.render_documents"


# Without a worker, in a thread of the process after the commit: issuing the set answers
# at once and the portal's progress page shows the papers as they are laid out.
@outbox.handler(RENDER_DOCUMENTS, in_background=True)
def render_documents(render_id: int) -> None:
    render = db.session.get(DocumentRender, render_id)
    if render is None or render.status == DocumentRenderStatus.DONE:
        return
    with force_locale(render.locale or "en"):
        try:
            _run(render)
        except Exception as error:
            db.session.rollback()
            log.exception("rendering document set %s failed", render_id)
            failed = db.session.get(DocumentRender, render_id)
            failed.status = DocumentRenderStatus.FAILED
            failed.detail = f"{type(error).__name__}: {error}"[:2000]
            failed.finished_at = utcnow()
            boundary.commit()


def _run(render: DocumentRender) -> None:
    render.status = DocumentRenderStatus.RUNNING
    boundary.commit()  # visible: the page says the work started
    for index, document_id in enumerate(render.document_ids):
        if index < render.done:
            continue  # laid out by an earlier attempt
        printed = db.session.get(ShippingDocument, document_id)
        if printed is not None:
            exports.cached_pdf(printed, render.paper)
        render.done = index + 1
        boundary.commit()  # visible: the progress bar moves
    render.status = DocumentRenderStatus.DONE
    render.finished_at = utcnow()
    boundary.commit()
