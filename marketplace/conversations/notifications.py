"""What conversations tell people: a new message reaches the other company's members
(the bell, mail unless they turned it off, and the company's webhooks)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.notifications import N_, notify, register_event

MESSAGE_RECEIVED = "message.received"
register_event(MESSAGE_RECEIVED, label=_l("A company sent your company a message"))

EXCERPT = 120  # characters of the message in the notification


def portal_link(conversation_id: int) -> str:
    return f"/messages/{conversation_id}"


def tell_message_received(conversation, message, sender_name: str) -> None:
    """Inside the transaction that wrote the message: after commit, the bell, mails and
    webhooks go out (a rollback sends nothing)."""
    text = " ".join(message.body.split())
    excerpt = text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"
    if not excerpt:
        names = ", ".join(item["name"] for item in message.attachments)
        notify(MESSAGE_RECEIVED, company_id=conversation.other_company_id(message.company_id),
               message=N_("%(company)s sent you a file: %(names)s"),
               params={"company": sender_name, "names": names[:200]},
               link=portal_link(conversation.id), payload=_payload(conversation, message))
        return
    notify(MESSAGE_RECEIVED, company_id=conversation.other_company_id(message.company_id),
           message=N_("%(company)s wrote: %(excerpt)s"),
           params={"company": sender_name, "excerpt": excerpt},
           link=portal_link(conversation.id), payload=_payload(conversation, message))


def _payload(conversation, message) -> dict:
    return {"conversation_id": conversation.id, "message_id": message.id,
            "from_company_id": message.company_id, "subject": conversation.subject,
            "product_id": conversation.product_id, "document_id": conversation.document_id,
            "body": message.body,
            "attachments": [{"id": item["id"], "name": item["name"]}
                            for item in message.attachments]}
