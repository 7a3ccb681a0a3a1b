"""Differentiated treatment API (beyond API.md): ``GET/PUT /analytics/treatments`` for
the supplier's terms per segment, and what a derived quotation got from them. Thin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.api import problem_responses
from marketplace.core.errors import Forbidden, NotFound
from marketplace.crm import api_bp
from marketplace.crm.operations import treatments as treatment_operations
from marketplace.crm.queries import treatments as treatment_queries
from marketplace.crm.schemas.treatments import (
    AppliedTreatmentSchema,
    TreatmentsArgsSchema,
    TreatmentsSchema,
)
from marketplace.infrastructure.auth import api_auth, current_actor

BASE = "/analytics/treatments"


def _supplier_id() -> int:
    actor = current_actor()
    if actor.company is None or not actor.company.is_supplier:
        raise Forbidden(str(_l("Customer analytics are for suppliers about their own "
                               "customers.")))
    return actor.company.id


@api_bp.route(BASE)
@api_auth(permission="documents.view")
@api_bp.response(200, TreatmentsSchema)
@api_bp.doc(responses=problem_responses(401, 403))
def get_treatments():
    """Supplier: its terms for each customer segment (all four; unsaved ones apply
    nothing)."""
    return {"treatments": treatment_queries.treatments_of(_supplier_id())}


@api_bp.route(BASE, methods=["PUT"])
@api_auth(permission="documents.settings")
@api_bp.arguments(TreatmentsArgsSchema)
@api_bp.response(200, TreatmentsSchema)
@api_bp.doc(responses=problem_responses(401, 403, 422))
def put_treatments(values):
    """Supplier: set the terms of the segments given (others keep theirs). A derived
    quotation for a buyer of the segment gets them; see docs/ANALYTICS.md."""
    _supplier_id()
    return {"treatments": treatment_operations.set_treatments(current_actor(),
                                                              values["treatments"])}


@api_bp.route(f"{BASE}/applied/<int:document_id>")
@api_auth(permission="documents.view")
@api_bp.response(200, AppliedTreatmentSchema)
@api_bp.doc(responses=problem_responses(401, 403, 404))
def get_applied(document_id):
    """Supplier: the segment terms applied to its quotation when it was derived."""
    record = treatment_queries.applied_to(document_id, _supplier_id())
    if record is None:
        raise NotFound(str(_l("No segment terms were applied to document %(id)s.",
                              id=document_id)))
    return {"document_id": record.document_id, "segment": record.segment,
            "applied": record.applied, "summary": treatment_queries.applied_summary(record)}
