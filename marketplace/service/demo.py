"""Demo data of the service module, loaded by `flask seed-demo` after every other module's."""

from __future__ import annotations


def load_demo(password: str) -> None:
    """Nothing yet."""
