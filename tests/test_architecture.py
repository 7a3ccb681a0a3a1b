"""The import graph of ``marketplace/`` keeps the layering of docs/DESIGN.md and issue 18.

Every ``.py`` file under ``marketplace/`` is parsed with ``ast``; every import is read,
at the top of a file, inside a function (a function-level import is still a
dependency, only a later one) or under ``if TYPE_CHECKING:`` (a type is a dependency
too), and so is ``importlib.import_module("marketplace....")`` with a literal name.
The rules, bottom-up along ``LAYERS``:

- core imports no module; workflow imports only core, the extensions and infrastructure;
- no module imports a module above it (use ``core.signals`` or ``core.slots`` instead);
- no module imports another module's ``views`` or ``api`` (core's ``core.api`` helpers
  are the kernel's, not a module's routes);
- a feature module imports another feature module's ``models`` only inside its own
  ``queries`` room (``<module>/queries.py`` or ``<module>/queries/...``), for read-only
  joins; elsewhere it calls that module's queries or operations.

The composition root (``marketplace/__init__.py``, ``cli.py``, ``worker.py``,
``extensions.py``) wires the modules together and is exempt. A failure names the file,
the line and the import, and says what to do instead.

``python tests/test_architecture.py`` prints the module graph.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent

PACKAGE = "marketplace"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# Bottom-up: a module may import the modules before it, never those after it.
LAYERS = ("core", "infrastructure", "workflow", "content", "trading", "conversations",
          "fulfillment", "supplier_link", "crm", "sourcing", "buying_requests", "favourites",
          "service", "billing", "backoffice")
FOUNDATION = {"core", "infrastructure", "workflow"}
FEATURES = set(LAYERS) - FOUNDATION
# The files at the package top that build the app out of the modules.
COMPOSITION_ROOT = {"__init__.py", "cli.py", "worker.py", "extensions.py"}
# What a module may import from the package top: the unbound extensions only.
SHARED_TOP = {"extensions"}
WORKFLOW_MAY_IMPORT = {"core", "extensions", "infrastructure"}

# Demo seeders that write backdated history the operations cannot write (an operation
# stamps "now"), so they set rows of another module's models directly. Path → why.
# Only seeders belong here; a real violation is fixed, not listed.
DEMO_SEEDER_EXEMPTIONS: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    """One import in one file: ``target`` is the dotted name it loads."""

    path: str  # relative to marketplace/, e.g. "crm/views/customers.py"
    line: int
    target: str  # e.g. "marketplace.fulfillment.models"
    text: str  # the statement as written, for the failure message

    @property
    def importer(self) -> str:
        """The module the file belongs to, or "" for the composition root."""
        first = self.path.split("/", 1)[0]
        return first if first in LAYERS else ""

    @property
    def imported(self) -> str:
        """The module (or package-top name, e.g. "extensions") the import reaches."""
        parts = self.target.split(".")
        return parts[1] if len(parts) > 1 else ""

    @property
    def room(self) -> str:
        """The imported module's room: "models" for marketplace.crm.models.customers."""
        parts = self.target.split(".")
        return parts[2] if len(parts) > 2 else ""

    def __str__(self) -> str:
        return f"marketplace/{self.path}:{self.line}: {self.text}"


def _package_of(path: Path, root: Path) -> list[str]:
    """The dotted package a file's relative imports start from."""
    parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
    return parts if path.name == "__init__.py" else parts[:-1]


def _resolve(node: ast.ImportFrom, path: Path, root: Path) -> str:
    if not node.level:
        return node.module or ""
    base = _package_of(path, root)
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_package(dotted: str, root: Path) -> bool:
    """True when ``dotted`` names a package or a module file under marketplace/."""
    relative = Path(*dotted.split(".")[1:])
    return (root / relative).is_dir() or (root / relative).with_suffix(".py").is_file()


@functools.cache
def _parsed(path: Path) -> tuple[ast.Module, list[str]]:
    """A file's tree and lines, parsed once while this module's tests run: four checks
    walk every file of the package (the scanner's own tests write theirs under a fresh
    tmp_path)."""
    code = path.read_text(encoding="utf-8")
    return ast.parse(code, filename=str(path)), code.splitlines()


@pytest.fixture(scope="module", autouse=True)
def _forget_the_trees():
    """The package's trees are 600,000 objects: kept for the rest of the run, the
    collector would walk them in every full collection after this module."""
    yield
    _parsed.cache_clear()


def _imports_in(path: Path, root: Path) -> Iterator[Import]:
    tree, source = _parsed(path)
    relative = path.relative_to(root).as_posix()

    def text(node: ast.AST) -> str:
        return source[node.lineno - 1].strip()

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield Import(relative, node.lineno, alias.name, text(node))
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(node, path, root)
            if module.split(".")[0] != PACKAGE:
                continue
            targets = set()
            for alias in node.names:
                # `from marketplace.crm import models` loads marketplace.crm.models.
                child = f"{module}.{alias.name}"
                targets.add(child if alias.name != "*" and _is_package(child, root) else module)
            for target in sorted(targets):
                yield Import(relative, node.lineno, target, text(node))
        elif isinstance(node, ast.Call) and _is_import_module(node):
            name = node.args[0].value
            if isinstance(name, str) and name.split(".")[0] == PACKAGE:
                yield Import(relative, node.lineno, name, text(node))


def _is_import_module(node: ast.Call) -> bool:
    func = node.func
    named = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module")
    return named and bool(node.args) and isinstance(node.args[0], ast.Constant)


def all_imports(root: Path = ROOT) -> list[Import]:
    """Every import of a marketplace name in every file under marketplace/."""
    found: list[Import] = []
    for path in sorted(root.rglob("*.py")):
        found.extend(sorted(_imports_in(path, root), key=lambda item: item.line))
    return found


def module_graph(imports: list[Import] | None = None) -> dict[str, set[str]]:
    """Module → the modules (and package-top names) it imports; the composition root left out."""
    graph: dict[str, set[str]] = {module: set() for module in LAYERS}
    for item in all_imports() if imports is None else imports:
        if item.importer and item.imported and item.imported != item.importer:
            graph[item.importer].add(item.imported)
    return graph


def format_graph(graph: dict[str, set[str]]) -> str:
    """The graph bottom-up, one module a line: ``crm -> content, core, ...``."""
    width = max(len(module) for module in graph)
    return "\n".join(f"{module:<{width}} -> {', '.join(sorted(graph[module])) or '(nothing)'}"
                     for module in LAYERS)


def _in_queries_room(path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 2 and (parts[1] == "queries.py" or parts[1] == "queries")


def violations(imports: list[Import] | None = None) -> list[str]:
    """Each import that breaks a layering rule, with what to do instead."""
    found: list[str] = []
    for item in all_imports() if imports is None else imports:
        importer, imported = item.importer, item.imported
        if not importer or imported == importer:
            continue  # the composition root, or an import inside the module
        if imported not in LAYERS:
            if imported not in SHARED_TOP:
                found.append(f"{item}  — a module imports the composition root "
                             f"(marketplace.{imported or '__init__'}); take what it needs "
                             "from current_app or core")
            continue
        if importer == "core":
            found.append(f"{item}  — core imports no module; let the module register with "
                         "core at app creation (core.signals, core.slots, a registry)")
            continue
        if importer == "workflow" and imported not in WORKFLOW_MAY_IMPORT:
            found.append(f"{item}  — workflow imports only core, extensions and "
                         "infrastructure; have the module register what the engine needs")
            continue
        if LAYERS.index(imported) > LAYERS.index(importer):
            found.append(f"{item}  — {importer} is below {imported}; a lower module never "
                         "imports a higher one: emit a core.signals signal or use a "
                         "core.slots slot instead")
            continue
        if item.room in ("views", "api") and imported != "core":
            found.append(f"{item}  — another module's {item.room}; portal guards are in "
                         "core.guards, shared pieces in core or in the module's "
                         "queries/operations")
            continue
        if (item.room == "models" and imported in FEATURES and importer in FEATURES
                and not _in_queries_room(item.path)
                and item.path not in DEMO_SEEDER_EXEMPTIONS):
            found.append(f"{item}  — {imported}'s models outside {importer}'s queries "
                         f"room; call {imported}'s queries/operations, or join in "
                         f"{importer}/queries")
    return found


def test_the_import_graph_keeps_the_layering():
    found = violations()
    assert not found, (f"{len(found)} import(s) break the layering (docs/DESIGN.md, "
                       "tests/test_architecture.py):\n" + "\n".join(found))


def test_workflow_depends_on_core_extensions_and_infrastructure_only():
    graph = module_graph()
    assert graph["workflow"] <= WORKFLOW_MAY_IMPORT, format_graph(graph)


def test_core_depends_on_no_module():
    graph = module_graph()
    assert graph["core"] <= SHARED_TOP, format_graph(graph)


def test_every_exempt_demo_seeder_exists_and_says_why():
    for path, why in DEMO_SEEDER_EXEMPTIONS.items():
        assert path.endswith("/demo.py") and (ROOT / path).is_file(), path
        assert why.strip(), path


def test_the_scanner_sees_relative_function_level_and_dynamic_imports(tmp_path):
    """The rules are only as good as the reading of the imports: check it on a toy tree."""
    package = tmp_path / PACKAGE
    (package / "crm" / "views").mkdir(parents=True)
    (package / "fulfillment").mkdir()
    (package / "fulfillment" / "models.py").write_text("")
    (package / "crm" / "views" / "pages.py").write_text(
        "import importlib\n"
        "from ..queries import customers\n"
        "def page():\n"
        "    from marketplace.fulfillment import models\n"
        "    return importlib.import_module('marketplace.trading.views')\n")
    seen = {(item.line, item.target) for item in all_imports(package)}
    assert seen == {(2, "marketplace.crm.queries"), (4, "marketplace.fulfillment.models"),
                    (5, "marketplace.trading.views")}


if __name__ == "__main__":
    print(format_graph(module_graph()))
    problems = violations()
    print(f"\n{len(problems)} violation(s)")
    print("\n".join(problems))


def _model_classes(root: Path = ROOT) -> dict[str, str]:
    """Every class defined in a ``models`` room, by name → the module that defines it."""
    owners = {}
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if "models" not in (relative.stem, *relative.parts[:-1]) or len(relative.parts) < 2:
            continue
        for node in ast.walk(_parsed(path)[0]):
            if isinstance(node, ast.ClassDef):
                owners.setdefault(node.name, relative.parts[0])
    return owners


def mapper_edges_upward(root: Path = ROOT) -> list[str]:
    """``relationship("Name")`` names a class by a string, no import: a model of a lower
    module that maps a higher module's class is the same upward link as an import."""
    owners, found = _model_classes(root), []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        module = relative.parts[0] if len(relative.parts) > 1 else None
        if module not in LAYERS:
            continue
        for node in ast.walk(_parsed(path)[0]):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "relationship"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            target = owners.get(node.args[0].value)
            if target in LAYERS and LAYERS.index(target) > LAYERS.index(module):
                found.append(f"{relative}:{node.lineno}: relationship({node.args[0].value!r}) "
                             f"maps {target}'s model from {module}, a lower module")
    return found


def test_no_model_maps_a_class_of_a_higher_module():
    found = mapper_edges_upward()
    assert not found, "\n".join(found)


def test_the_mapper_check_sees_a_string_relationship(tmp_path):
    (tmp_path / "workflow").mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "models.py").write_text("class Product:\n    pass\n")
    (tmp_path / "workflow" / "models.py").write_text(
        "class Line:\n    product = relationship('Product')\n")
    assert mapper_edges_upward(tmp_path) == [
        "workflow/models.py:2: relationship('Product') maps content's model from workflow, "
        "a lower module"]
