"""Each revision of a trade document is rendered once per format, paper and language,
and kept in the ``trade-documents`` store (core.storage: the instance folder, or the
object store every node shares; key ``<id>/<revision key>.<format>``): a document's version
changes with every change to it, so a file named by the version is never stale, and the
next download (the portal, the API, a guest's page, the guest's mail) is a file read.

What else is printed joins the key: the parties' names and addresses (their profile's
last change), the templates' and exporter's sources (a new layout prints anew), and for a
draft invoice the issuer's current bank details (a sent one prints those kept when it
was sent: ``trading/pay_to.py``).
Older revisions' files of a document are removed when a newer one is written.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import get_locale

from marketplace.core import storage
from marketplace.trading import exports
from marketplace.trading.exports import FORMATS, ExportedFile, check_options
from marketplace.trading.pay_to import pay_to_stamp
from marketplace.workflow.models import Document

FOLDER = "trade-documents"


@cache
def _source_digest(template: str) -> str:
    """The exporter's code and the print templates (the type's own and the frame)."""
    env = current_app.jinja_env
    parts = [Path(exports.__file__).read_text(encoding="utf-8")]
    for name in (template, "print/base.html"):
        parts.append(env.loader.get_source(env, name)[0])
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:12]


def _key(document: Document, fmt: str, paper: str, language: str) -> str:
    stamps = [str(company.updated_at.timestamp()) if company is not None else "-"
              for company in (document.issuer, document.recipient)]
    raw = "|".join([fmt, paper, language, _source_digest(exports.print_template(document)),
                    *stamps, pay_to_stamp(document)])
    return f"v{document.version}-{hashlib.sha256(raw.encode()).hexdigest()[:16]}"


def cached_export(document: Document, fmt: str, *, paper: str | None = None,
                  language: str | None = None) -> ExportedFile:
    """``exports.export_document``, rendered once per revision and kept."""
    check_options(fmt, paper, language)
    paper = paper or "a4"
    if fmt == "pdf" and document.type in getattr(exports, "PAPER_PRINTERS", {}):
        # Printed by the module that owns the paper (fulfillment), which keeps its own
        # prints per revision, in the document's language unless one is asked for.
        return exports.export_document(document, fmt, paper=paper, language=language)
    spoken = language or str(get_locale() or "en")
    files = storage.store(FOLDER)
    key = f"{document.id}/{_key(document, fmt, paper, spoken)}.{fmt}"
    filename = exports.export_filename(document, fmt)
    try:
        return ExportedFile(files.read(key), FORMATS[fmt], filename)
    except FileNotFoundError:
        pass
    exported = exports.export_document(document, fmt, paper=paper, language=language)
    _keep(files, document, key, exported.content)
    return exported


def _keep(files: storage.Store, document: Document, key: str, content: bytes) -> None:
    """Written whole or not at all (a reader never sees half a file); a document's
    older revisions go."""
    files.save(key, content)
    for old in files.keys(f"{document.id}/"):
        if not old.removeprefix(f"{document.id}/").startswith(f"v{document.version}-"):
            files.delete(old)
