"""Printed documents: HTML templates rendered to PDF with WeasyPrint.

Trade documents and shipping documents are printed from Jinja templates that extend
``print/base.html`` (A4 or US Letter, Chinese fonts, page numbers). Rendering never
fetches anything from the network: a template's images come from the app's static
folder or from ``resources`` the caller hands over by name (``src="resource:cover-7"``),
so text a party typed can never make the server fetch a URL.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app, render_template

from marketplace.core import cjk_fonts

PAGE_SIZES = {"a4": "A4", "letter": "letter"}
RESOURCE_SCHEME = "resource"


class RefusedFetch(ValueError):
    """A printed template asked for something outside its resources and static files."""


def _static_file(path: str) -> Path | None:
    static = Path(current_app.static_folder).resolve()
    prefix = (current_app.static_url_path or "/static").rstrip("/") + "/"
    if not path.startswith(prefix):
        return None
    candidate = (static / unquote(path.removeprefix(prefix))).resolve()
    return candidate if candidate.is_relative_to(static) and candidate.is_file() else None


def _fetcher(resources: Mapping[str, bytes | Path]):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):
        """Only named resources and the app's static files; never the network."""

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            parsed = urlparse(url)
            if parsed.scheme == RESOURCE_SCHEME:
                name = unquote(parsed.path)
                if name not in resources:
                    raise RefusedFetch(f"no resource named {name!r}")
                content = resources[name]
                data = content.read_bytes() if isinstance(content, Path) else content
                return URLFetcherResponse(url, data, {"Content-Type": _mime_of(data)})
            if parsed.scheme in ("http", "https") and parsed.netloc == _local_host():
                static = _static_file(parsed.path)
                if static is not None:
                    kind = mimetypes.guess_type(static.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, static.read_bytes(), {"Content-Type": kind})
            raise RefusedFetch(f"printed documents load no {url!r}")

    return Fetcher()


def _local_host() -> str:
    return urlparse(_base_url()).netloc


def _base_url() -> str:
    return current_app.config.get("BASE_URL") or "http://localhost"


def _mime_of(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def page_size(name: str | None) -> str:
    """The CSS page size for ``a4`` (default) or ``letter``."""
    return PAGE_SIZES.get((name or "a4").lower(), "A4")


def render_pdf(template: str, *, resources: Mapping[str, bytes | Path] | None = None,
               paper: str | None = None, **context) -> bytes:
    """The PDF of ``template`` (which extends ``print/base.html``). Latin text prints
    from a small font and Chinese from Noto Sans CJK TC cut to the page's characters
    (core/cjk_fonts.py): the file embeds a few KB of font instead of ~750 KB a weight."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_template(template, page_size=page_size(paper), **context)
    fonts = cjk_fonts.cut_fonts(html)
    fetcher = _fetcher({**(resources or {}), **cjk_fonts.resource_names(fonts)})
    font_config = FontConfiguration()
    page_fonts = CSS(string=cjk_fonts.font_faces(fonts, RESOURCE_SCHEME),
                     font_config=font_config, url_fetcher=fetcher)
    document = HTML(string=html, base_url=_base_url(), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[page_fonts], font_config=font_config)
