"""Content views: the offline catalog page (downloads, upload) and an import's page
with its progress bar and row report."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, url_for

from marketplace.content import bp
from marketplace.content.forms.catalog import CatalogUploadForm
from marketplace.content.operations import catalog as operations
from marketplace.content.queries import catalog as queries
from marketplace.content.schemas.catalog import ImportProgressSchema
from marketplace.content.views.profiles import language, permission_required
from marketplace.core.errors import DomainError
from marketplace.infrastructure.auth import current_actor


def _own_company():
    company = current_actor().company
    if company is None:
        abort(404)
    return company


@bp.route("/my/catalog", methods=["GET", "POST"])
@permission_required("catalog.edit")
def catalog_page():
    company = _own_company()
    form = CatalogUploadForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            images = form.images.data if getattr(form.images.data, "filename", None) else None
            try:
                job = operations.queue_import(company, current_actor().user,
                                              form.file.data.stream,
                                              form.file.data.filename or "",
                                              images.stream if images else None)
            except DomainError as error:
                field = form.images if "images" in error.errors else form.file
                field.errors = list(field.errors) + [error.detail]
                status = error.status
            else:
                return redirect(url_for("content.catalog_import_page", import_id=job.id))
        else:
            status = 422
    chinese = language().startswith("zh")
    return render_template(
        "content/catalog/catalog.html", company=company, form=form,
        jobs=queries.recent_import_jobs(company), columns=queries.COLUMNS, chinese=chinese,
        sync_max_rows=operations.SYNC_MAX_ROWS), status


@bp.route("/my/catalog/imports/<int:import_id>")
@permission_required("catalog.edit")
def catalog_import_page(import_id):
    _own_company()
    job = queries.import_job(import_id)
    return render_template("content/catalog/import.html", job=job,
                           progress=ImportProgressSchema().dump(job))


@bp.route("/my/catalog/imports/<int:import_id>/progress")
@permission_required("catalog.edit")
def catalog_import_progress(import_id):
    _own_company()
    response = jsonify(ImportProgressSchema().dump(queries.import_job(import_id)))
    response.headers["Cache-Control"] = "no-store"
    return response
