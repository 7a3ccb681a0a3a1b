"""Outgoing mail: rendered in the recipient's language inside the request, sent
after commit by a background job, through SMTP or (development) to the console
and ``instance/mail/``."""

from __future__ import annotations

import base64
import smtplib
import sys
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from marketplace.core import outbox
from marketplace.core.types import replaying_the_past
from marketplace.extensions import celery


def queue_mail(to: str, subject: str, template: str, language: str = "en", **context) -> None:
    """Render now (the request's data is at hand), send once the transaction commits."""
    if replaying_the_past():
        return  # history replayed (the demo's): it happened long ago, nobody is mailed now
    with force_locale(language):
        body = render_template(f"mail/{template}.txt", **context)
        subject = str(subject)
    message = {"to": to, "subject": subject, "body": body,
               "sender": current_app.config["MAIL_DEFAULT_SENDER"]}
    outbox.enqueue("mail.send", message=message)


def _build(message: dict) -> EmailMessage:
    email = EmailMessage()
    email["From"] = message["sender"]
    email["To"] = message["to"]
    email["Subject"] = message["subject"]
    email["Message-ID"] = make_msgid(domain="marketplace.local")
    email.set_content(message["body"])
    # Files sent along (a quotation's .docx and PDF): {filename, mimetype, data (base64)}.
    for item in message.get("attachments") or ():
        maintype, _, subtype = item["mimetype"].partition("/")
        email.add_attachment(base64.b64decode(item["data"]), maintype=maintype,
                             subtype=subtype or "octet-stream", filename=item["filename"])
    return email


def attachment(filename: str, mimetype: str, content: bytes) -> dict:
    """A file for ``message["attachments"]`` (JSON-safe, as an outbox job carries it)."""
    return {"filename": filename, "mimetype": mimetype,
            "data": base64.b64encode(content).decode("ascii")}


@celery.task(name="marketplace.send_mail", autoretry_for=(OSError, smtplib.SMTPException),
             retry_backoff=True, max_retries=5)
def send_mail(message: dict) -> None:
    """Kept for messages queued before the outbox; new mail goes through ``deliver``."""
    deliver(message)


@outbox.handler("mail.send")
def deliver(message: dict) -> None:
    """Send one message (an outbox job: a failure is retried by the outbox)."""
    email = _build(message)
    config = current_app.config
    if config["MAIL_BACKEND"] == "console":
        _write_to_console_and_folder(email)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _write_to_console_and_folder(email: EmailMessage) -> None:
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    (folder / f"{stamp}.eml").write_bytes(bytes(email))
    print(f"----- mail to {email['To']}: {email['Subject']} -----\n"
          f"{email.get_body(('plain',)).get_content()}\n----- end of mail -----",
          file=sys.stderr)
