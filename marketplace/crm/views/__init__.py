"""The crm module's views, one file a subject; all are loaded here."""

from marketplace.core.rooms import load_all

load_all(__name__, __path__)
