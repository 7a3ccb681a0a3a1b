"""Demo data of the buying requests module, loaded by `flask seed-demo` last."""

from __future__ import annotations


def load_demo(password: str) -> None:
    """Nothing yet."""
