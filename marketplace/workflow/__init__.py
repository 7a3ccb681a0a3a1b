"""The document workflow engine: document types declared as data, actions with
guards, numbering, approvals, dispatch, each party's own state and history. It knows
no trade module; ``trading/doctypes.py`` gives it its meaning.

What other modules call (``engine``; every function flushes, never commits)::

    create_document(doctype, *, actor, recipient_company_id, header, lines,
                    parent=None, recipient_company_ids=None) -> Document
    update_draft(document, *, actor, header, lines, expected_version) -> Document
    perform(document, action, actor, comment=None, **params) -> Document
    derive(parent, doctype, *, actor) -> Document
    allowed_actions(document, actor) -> list[str]

Refusals: ``NotFound`` (not a party), ``Forbidden`` (no company, no permission to
write), ``Conflict`` with ``allowed_actions`` (state, side, guard), ``ValidationFailed``
(fields, as ``{"lines.0.quantity": [...]}``), ``PreconditionFailed`` (stale version).

Every action emits ``marketplace.core.signals.document_transitioned`` (sender: the
document; ``action``, ``from_status``, ``to_status``, ``actor``) inside the
transaction. Look at ``to_status``: a send or an accept held by approvals is
concluded by the last ``approve``.

Rooms: ``doctypes`` (declarations, registry), ``registry`` (what the trade module
tells the engine: its vocabulary, limits and how a line finds its product, so the
engine imports no module above infrastructure), ``engine`` (create, edit, derive; the
names callers use), ``checks`` (what a caller gives), ``actions`` (allowed actions and
doing them), ``acting`` (sides, history rows and the signal), ``numbering`` (series
with a row lock), ``approvals`` (rules and rounds), ``dispatch`` (who takes an incoming
document), ``parties`` (folder, tags, read, archived), ``models``.
"""
