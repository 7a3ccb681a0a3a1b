"""What the browser stories share: logging in through the login form, and watching a
page for what breaks (an answer of 400 or more, an error in the console)."""

from __future__ import annotations

from tests.factories import PASSWORD


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Through the form, as a member would; back on the office page."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-form #submit")
    page.wait_for_url("**/")


def watch_for_breakage(page) -> list[str]:
    """The page's failed answers and console errors from now on (a list that fills)."""
    broken: list[str] = []
    page.on("response", lambda r: r.status >= 400 and broken.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and broken.append(m.text))
    return broken
