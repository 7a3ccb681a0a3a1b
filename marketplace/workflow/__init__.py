"""The document workflow engine: document types declared as data, actions with
guards, numbering, approvals, dispatch and history. It knows no trade module;
``trading/doctypes.py`` gives it its meaning. Emits
``marketplace.core.signals.document_transitioned``."""
