"""Infrastructure: companies and members, roles, registration and approval, login,
tokens and API keys, address book, categories, back office, audit."""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

# Notifications and webhooks: a package of their own, with the same rooms inside (its
# files import none of the blueprints below).
from marketplace.infrastructure import banking, departments, notifications

bp = Blueprint("infrastructure", __name__, template_folder="templates")
blp_auth = ApiBlueprint("auth", __name__, url_prefix="/auth",
                        description="Registration, tokens, e-mail verification, password reset")
blp_accounts = ApiBlueprint("accounts", __name__, url_prefix="",
                            description="The caller, companies, members, API keys, address book, "
                                        "categories")
blp_backoffice = ApiBlueprint("backoffice", __name__, url_prefix="/admin",
                              description="The platform operator's back office")

bp.register_blueprint(notifications.bp)
bp.register_blueprint(banking.bp)
bp.register_blueprint(departments.bp)


@bp.record_once
def _tell_the_guards(state) -> None:
    """core's portal guards find the acting member and the login page through us."""
    from marketplace.core import guards
    from marketplace.infrastructure.auth import current_actor

    guards.init_app(state.app, actor=current_actor, login_endpoint="infrastructure.login")

API_BLUEPRINTS = (blp_auth, blp_accounts, blp_backoffice, *notifications.API_BLUEPRINTS,
                  *banking.API_BLUEPRINTS, *departments.API_BLUEPRINTS)
