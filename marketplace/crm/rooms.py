"""Load every file of a crm room (models, api, views): the app factory imports the
room, the room's ``__init__`` calls ``load_all`` so each subject's routes attach."""

from __future__ import annotations

import importlib
import pkgutil


def load_all(package_name: str, package_path) -> None:
    for module in pkgutil.iter_modules(package_path):
        importlib.import_module(f"{package_name}.{module.name}")
