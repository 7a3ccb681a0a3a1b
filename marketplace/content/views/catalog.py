"""Content views: the offline catalog page (downloads, upload) and an import's page
with its progress bar and row report."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, url_for
from flask_babel import get_locale

from marketplace.content import bp
from marketplace.content.catalog import importer
from marketplace.content.catalog.sniffing import SYNC_MAX_ROWS
from marketplace.content.forms.catalog import CatalogUploadForm
from marketplace.content.queries import catalog as queries
from marketplace.content.schemas.catalog import ImportProgressSchema
from marketplace.core.errors import DomainError
from marketplace.core.guards import company_actor, permission_required


@bp.route("/my/catalog", methods=["GET", "POST"])
@permission_required("catalog.edit")
def catalog_page():
    actor = company_actor()
    form = CatalogUploadForm()
    status = 200
    if form.is_submitted():
        if not form.validate():
            status = 422
        else:
            images = form.images.data if getattr(form.images.data, "filename", None) else None
            # A refused file is shown beside the form's fields (the form re-rendered), not
            # flashed on the way back: the central refusal handling does not fit here.
            try:
                job = importer.queue_import(actor.company, actor.user, form.file.data.stream,
                                            form.file.data.filename or "",
                                            images.stream if images else None)
            except DomainError as error:
                field = form.images if "images" in error.errors else form.file
                field.errors = list(field.errors) + [error.detail]
                status = error.status
            else:
                return redirect(url_for("content.catalog_import_page", import_id=job.id))
    return render_template(
        "content/catalog/catalog.html", company=actor.company, form=form,
        jobs=queries.recent_import_jobs(actor.company), columns=queries.COLUMNS,
        chinese=str(get_locale() or "en").startswith("zh"), sync_max_rows=SYNC_MAX_ROWS), status


@bp.route("/my/catalog/imports/<int:import_id>")
@permission_required("catalog.edit")
def catalog_import_page(import_id):
    job = queries.import_job(import_id)
    return render_template("content/catalog/import.html", job=job,
                           progress=ImportProgressSchema().dump(job))


@bp.route("/my/catalog/imports/<int:import_id>/progress")
@permission_required("catalog.edit")
def catalog_import_progress(import_id):
    response = jsonify(ImportProgressSchema().dump(queries.import_job(import_id)))
    response.headers["Cache-Control"] = "no-store"
    return response
