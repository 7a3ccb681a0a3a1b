"""Where a page may send the browser next: only to a path on this site.

A ``next`` parameter, a form's ``next`` field or the Referer header come from outside;
followed as they are they make the site an open redirect ("/%09/evil.example" becomes
"//evil.example" once the browser drops the tab). Every redirect to such a target goes
through ``same_site_path``.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import request


def same_site_path(target: str | None) -> str | None:
    """``target`` as a path on this site ("/orders?page=2"), or None when it leads
    anywhere else, is empty, or holds characters a browser would drop or read as a
    slash (control characters, whitespace, backslashes)."""
    if not target:
        return None
    if target.startswith(request.host_url):  # our own absolute URL (a Referer)
        target = "/" + target.removeprefix(request.host_url)
    if any(ch <= " " or ch in "\\\x7f" for ch in target) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
