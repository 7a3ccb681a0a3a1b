"""Trading's background work (outbox handlers): the mails of guest links. A guest's
quotation mail carries the document's .docx and PDF, rendered when the mail is sent
(after the commit, by the worker or in-process), never inside the request that sends
it; a render is cached per revision (``trading.renders``), so the guest's own
downloads later are file reads."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.core import outbox
from marketplace.extensions import db
from marketplace.infrastructure import mail
from marketplace.trading.models import GuestLink
from marketplace.trading.renders import cached_export
from marketplace.workflow import doctypes


def _request_context():
    """Exports name product pages by URL: a request context on BASE_URL gives url_for
    its host (a worker has no request of its own)."""
    return current_app.test_request_context(base_url=current_app.config["BASE_URL"])


@outbox.handler("trading.guest_link_mail")
def send_guest_link_mail(link_id: int, url: str, language: str = "en",
                         message: str = "") -> None:
    """The quotation to the guest: the link, the issuer's note, the .docx and the PDF."""
    link = db.session.get(GuestLink, link_id)
    if link is None or link.revoked_at is not None:
        return  # revoked before the mail went out: nothing to send
    document = link.document
    with _request_context(), force_locale(language):
        files = [cached_export(document, fmt) for fmt in ("pdf", "docx")]
        subject = _("%(type)s %(number)s from %(company)s",
                    type=doctypes.label(document.type), number=document.number,
                    company=document.issuer.name)
        body = render_template("mail/guest_quotation.txt", link=link, document=document,
                               url=url, message=message,
                               type_label=doctypes.label(document.type),
                               files=[exported.filename for exported in files])
    mail.deliver({"to": link.email, "subject": subject, "body": body,
                  "sender": current_app.config["MAIL_DEFAULT_SENDER"],
                  "attachments": [mail.attachment(exported.filename, exported.mimetype,
                                                  exported.content) for exported in files]})


@outbox.handler("trading.guest_accepted_mail")
def send_guest_accepted_mail(link_id: int, register_url: str, language: str = "en") -> None:
    """Thanks to the guest who accepted, and the invitation to register their company."""
    link = db.session.get(GuestLink, link_id)
    if link is None:
        return
    document = link.document
    with _request_context(), force_locale(language):
        subject = _("You accepted %(type)s %(number)s", type=doctypes.label(document.type),
                    number=document.number)
        body = render_template("mail/guest_accepted.txt", link=link, document=document,
                               register_url=register_url,
                               type_label=doctypes.label(document.type))
    mail.deliver({"to": link.email, "subject": subject, "body": body,
                  "sender": current_app.config["MAIL_DEFAULT_SENDER"]})
