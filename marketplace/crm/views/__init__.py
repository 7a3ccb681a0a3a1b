"""The crm module's views, one file a subject; all are loaded here."""

from flask import request

from marketplace.core.limits import ANALYTICS_VIEWS, check_limit, meter_blueprint
from marketplace.core.rooms import load_all
from marketplace.crm import api_bp, bp
from marketplace.infrastructure.auth import current_actor

# Each analytics read counts towards the plan's analytics views a month (core/limits.py):
# a page here, an API call through api_auth.
meter_blueprint(api_bp.name, ANALYTICS_VIEWS)


@bp.before_request
def _count_analytics_view():
    actor = current_actor()
    if request.method == "GET" and actor is not None and actor.company is not None:
        check_limit(ANALYTICS_VIEWS, actor.company.id)


load_all(__name__, __path__)
