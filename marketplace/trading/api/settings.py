"""Trading api: the company's document settings (``/document-settings/...``): numbering
patterns per type, approval rules, dispatch rules and groups. The settings page saves
through the same operations."""

from __future__ import annotations

from marketplace.core.api import idempotent, problem_responses
from marketplace.infrastructure.auth import api_auth
from marketplace.trading import api_bp
from marketplace.trading.api.documents import trade_actor
from marketplace.trading.operations import settings as setting_operations
from marketplace.trading.queries import settings as setting_queries
from marketplace.trading.schemas import (
    ApprovalRuleArgsSchema,
    ApprovalRuleSchema,
    DispatchGroupArgsSchema,
    DispatchGroupSchema,
    DispatchRuleArgsSchema,
    DispatchRuleSchema,
    NumberingArgsSchema,
    NumberingSchema,
)
from marketplace.workflow import doctypes
from marketplace.workflow.models import ApprovalRule, DispatchGroup, DispatchRule


@api_bp.route("/document-settings/numbering")
@api_auth(permission="documents.view")
@api_bp.response(200, NumberingSchema(many=True))
def list_numbering():
    """Your numbering pattern for every document type ({year}, {yy}, {seq})."""
    company_id = trade_actor().company.id
    return [setting_queries.numbering_of(company_id, code) for code in doctypes.codes()]


@api_bp.route("/document-settings/numbering/<string(maxlength=40):type_code>",
              methods=["PUT"])
@api_auth(permission="documents.settings")
@api_bp.arguments(NumberingArgsSchema)
@api_bp.response(200, NumberingSchema)
@api_bp.doc(responses=problem_responses(422))
def set_numbering(values, type_code):
    """Set your pattern for a type (null: back to the default), e.g. ``QUO-{year}-{seq:05}``;
    it needs ``{seq}`` and the year."""
    return setting_operations.set_numbering(trade_actor(), type_code, values["pattern"])


@api_bp.route("/document-settings/approval-rules")
@api_auth(permission="documents.view")
@api_bp.response(200, ApprovalRuleSchema(many=True))
def list_approval_rules():
    """Your approval rules: what you send or accept that waits for approvers."""
    return setting_queries.approval_rules(trade_actor().company.id)


@api_bp.route("/document-settings/approval-rules", methods=["POST"])
@api_auth(permission="documents.settings")
@idempotent
@api_bp.arguments(ApprovalRuleArgsSchema)
@api_bp.response(201, ApprovalRuleSchema)
@api_bp.doc(responses=problem_responses(422))
def create_approval_rule(values):
    """A rule: documents of ``type`` you ``send`` (or ``accept``) with a total ≥
    ``min_total`` (in ``currency``, when given) wait for each step's role in order.
    The first matching rule by ``position`` applies."""
    return setting_operations.create_approval_rule(trade_actor(), values)


@api_bp.route("/document-settings/approval-rules/<int:rule_id>", methods=["DELETE"])
@api_auth(permission="documents.settings")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_approval_rule(rule_id):
    """Remove a rule (documents already waiting keep their steps)."""
    setting_operations.delete_setting(setting_queries.own_setting(
        ApprovalRule, rule_id, trade_actor().company.id))


@api_bp.route("/document-settings/dispatch-rules")
@api_auth(permission="documents.view")
@api_bp.response(200, DispatchRuleSchema(many=True))
def list_dispatch_rules():
    """Your dispatch rules, in the order they are tried."""
    return setting_queries.dispatch_rules(trade_actor().company.id)


@api_bp.route("/document-settings/dispatch-rules", methods=["POST"])
@api_auth(permission="documents.settings")
@idempotent
@api_bp.arguments(DispatchRuleArgsSchema)
@api_bp.response(201, DispatchRuleSchema)
@api_bp.doc(responses=problem_responses(422))
def create_dispatch_rule(values):
    """Incoming documents matching every condition given (type, product line, category,
    sender country, keyword) go to ``assignee_id`` or, in turn, to ``group_id``'s
    members. No rule matches: the default group, else your first administrator."""
    return setting_operations.create_dispatch_rule(trade_actor(), values)


@api_bp.route("/document-settings/dispatch-rules/<int:rule_id>", methods=["DELETE"])
@api_auth(permission="documents.settings")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_dispatch_rule(rule_id):
    """Remove a dispatch rule."""
    setting_operations.delete_setting(setting_queries.own_setting(
        DispatchRule, rule_id, trade_actor().company.id))


@api_bp.route("/document-settings/dispatch-groups")
@api_auth(permission="documents.view")
@api_bp.response(200, DispatchGroupSchema(many=True))
def list_dispatch_groups():
    """Your round-robin groups."""
    return setting_queries.dispatch_groups(trade_actor().company.id)


@api_bp.route("/document-settings/dispatch-groups", methods=["POST"])
@api_auth(permission="documents.settings")
@idempotent
@api_bp.arguments(DispatchGroupArgsSchema)
@api_bp.response(201, DispatchGroupSchema)
@api_bp.doc(responses=problem_responses(422))
def create_dispatch_group(values):
    """Members who take incoming documents in turn; ``is_default`` makes it the group
    for what no rule matches."""
    return setting_operations.create_dispatch_group(trade_actor(), values)


@api_bp.route("/document-settings/dispatch-groups/<int:group_id>", methods=["DELETE"])
@api_auth(permission="documents.settings")
@api_bp.response(204)
@api_bp.doc(responses=problem_responses(404))
def delete_dispatch_group(group_id):
    """Remove a group (and the rules that pointed to it)."""
    setting_operations.delete_setting(setting_queries.own_setting(
        DispatchGroup, group_id, trade_actor().company.id))
