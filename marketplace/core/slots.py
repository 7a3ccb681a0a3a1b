"""Places on a page that a module higher up fills in.

Modules stack one way (content → trading → fulfillment → supplier link → crm), yet a
lower module's page often shows what a higher one knows: the product page shows what is
"often ordered with" it, the supplier profile its response time. The lower module's
template calls ``slot("product_page.aside", product=product)``; the higher module
registers a renderer for that name at import time. Neither imports the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from markupsafe import Markup

Renderer = Callable[..., Markup | str | None]

_renderers: dict[str, list[Renderer]] = defaultdict(list)


def register(name: str, renderer: Renderer) -> Renderer:
    """Add ``renderer`` to the slot ``name``; usable as a decorator: ``@register("x")``."""
    if renderer not in _renderers[name]:
        _renderers[name].append(renderer)
    return renderer


def fill(name: str) -> Callable[[Renderer], Renderer]:
    """Decorator form of ``register``."""
    return lambda renderer: register(name, renderer)


def render(name: str, **context) -> Markup:
    """Every renderer's output for ``name``, in registration order (None adds nothing)."""
    parts = (renderer(**context) for renderer in _renderers.get(name, ()))
    return Markup("").join(Markup(part) for part in parts if part)


def collect(name: str, **context) -> dict:
    """For an API answer: every provider's fields for ``name`` merged, in registration
    order (a provider returns a dict, or None to add nothing)."""
    fields: dict = {}
    for provider in _renderers.get(name, ()):
        fields.update(provider(**context) or {})
    return fields
