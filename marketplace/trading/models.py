"""Trade documents are the engine's documents; trading gives them their types
(``doctypes.py``). Importing the engine's models here puts them in the schema."""

from marketplace.workflow.models import Document, DocumentEvent, DocumentLine, DocumentThread

__all__ = ["Document", "DocumentEvent", "DocumentLine", "DocumentThread"]
