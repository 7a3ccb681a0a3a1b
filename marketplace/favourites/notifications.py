"""What the favourites tell a member: new products matching a saved search (the bell at
each run) and the daily digest of them by mail (which the member may turn off in the
notification settings, like any event that comes by e-mail)."""

from flask_babel import lazy_gettext as _l

from marketplace.infrastructure.notifications import register_event

SAVED_SEARCH_MATCHED = register_event(
    "saved_search.matched", label=_l("New products match one of your saved searches"),
    email=False, webhook=False)  # by mail: the daily digest below, not one mail per run
SAVED_SEARCH_DIGEST = register_event(
    "saved_search.digest",
    label=_l("Daily digest of new products matching your saved searches"), webhook=False)
