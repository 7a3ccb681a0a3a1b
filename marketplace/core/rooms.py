"""Load every file of a module's room package (views, api, ...): the app factory imports
the room, the room's ``__init__`` calls ``load_all`` so each subject's routes attach, and
a new subject is a new file and nothing else."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable


def load_all(package_name: str, package_path: Iterable[str]) -> None:
    for module in pkgutil.iter_modules(package_path):
        importlib.import_module(f"{package_name}.{module.name}")
