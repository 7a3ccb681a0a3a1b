"""make test's own arithmetic (tests/run_suites.py): how many processes a database's run
is split over, the summary line that adds a split run's counts up again, and the compiled
modules a first run finds in its cache."""

from __future__ import annotations

import errno
import os
import py_compile
import subprocess
import sys
from pathlib import Path

import pytest

from tests import run_suites
from tests.run_suites import Run, database_totals, default_shards, shard_counts

pytestmark = pytest.mark.database_independent


def _finished(label: str, summary: str, code: int = 0) -> Run:
    run = Run(label, None, [], Path("."))
    run.summary, run.code = summary, code
    return run


def test_a_split_runs_counts_add_up_to_the_whole_suite_per_database():
    lines = database_totals([
        _finished("SQLite 1/2", "1658 passed, 7 skipped, 1398 deselected in 547.76s"),
        _finished("SQLite 2/2", "1374 passed, 7 skipped, 1682 deselected in 496.86s"),
        _finished("PostgreSQL 1/2", "1 failed, 1383 passed, 1679 deselected in 563.39s", 1),
        _finished("PostgreSQL 2/2", "1567 passed, 2 warnings, 1496 deselected in 526.98s"),
    ])
    assert lines == [
        "SQLite, 2 processes together: OK — 3032 passed, 14 skipped, 17 deselected",
        "PostgreSQL, 2 processes together: FAILED — 1 failed, 2950 passed, 112 deselected",
    ]


def test_a_run_of_one_process_needs_no_total_line():
    assert database_totals([_finished("SQLite", "3032 passed in 700.00s"),
                            _finished("PostgreSQL", "2951 passed in 690.00s")]) == []


def test_the_whole_suite_is_split_by_cores_and_a_chosen_few_tests_are_not(monkeypatch):
    monkeypatch.delenv("TEST_SHARDS", raising=False)
    monkeypatch.setattr(run_suites.os, "cpu_count", lambda: 2)
    assert default_shards(whole_suite=True, parallel=True) == 2
    assert default_shards(whole_suite=False, parallel=True) == 1  # -k, a file, -x ...
    assert default_shards(whole_suite=True, parallel=False) == 1  # one after the other
    monkeypatch.setattr(run_suites.os, "cpu_count", lambda: 16)
    assert default_shards(whole_suite=True, parallel=True) == run_suites.MOST_SHARDS_BY_DEFAULT


@pytest.mark.parametrize(("setting", "expected"), [
    ("", {"sqlite": 2, "postgresql": 2}),
    ("1", {"sqlite": 1, "postgresql": 1}),
    ("3", {"sqlite": 3, "postgresql": 3}),
    ("sqlite=1", {"sqlite": 1, "postgresql": 2}),
])
def test_test_shards_overrides_the_default(monkeypatch, setting, expected):
    monkeypatch.setenv("TEST_SHARDS", setting)
    assert shard_counts(default=2) == expected


@pytest.mark.parametrize(("seconds", "shown"), [
    (659.96, "11 min 00.0 s"), (573.79, "9 min 33.8 s"), (5.0, "0 min 05.0 s")])
def test_the_total_time_reads_as_minutes_and_seconds(seconds, shown):
    assert run_suites._minutes(seconds) == shown


def _compiled_module(tmp_path: Path, root: str = "installed") -> tuple[Path, Path]:
    """A module and its compiled file in the place Python itself keeps it (__pycache__)."""
    source = tmp_path / root / "trade_terms.py"
    source.parent.mkdir()
    source.write_text("INCOTERMS = ('FOB', 'CIF')\n", encoding="utf-8")
    # Named here, not by importlib: in make test's own processes Python's cache is the
    # folder run_suites chose, and importlib would name a file there.
    compiled = source.parent / "__pycache__" / f"trade_terms.{sys.implementation.cache_tag}.pyc"
    py_compile.compile(str(source), cfile=str(compiled), doraise=True)
    return source, compiled


def _python_with_cache(cache: Path, code: str, *args: str, **env: str) -> str:
    """What a Python started with PYTHONPYCACHEPREFIX=cache (as make test starts its
    processes) prints for ``code``."""
    environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(cache), **env}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run([sys.executable, "-c", code, *args], env=environment,
                          capture_output=True, text=True, check=True).stdout


def _cache_file_python_reads(source: Path, cache: Path) -> Path:
    """Where that Python looks for source's compiled file (asked of Python itself, not
    worked out here)."""
    return Path(_python_with_cache(cache, "import importlib.util, sys; print(importlib.util"
                                   ".cache_from_source(sys.argv[1]))", str(source)).strip())


def test_a_cold_cache_gets_the_installed_compiled_modules_python_then_reads(tmp_path):
    source, compiled = _compiled_module(tmp_path)
    cache = tmp_path / "cache"

    assert run_suites.seed_bytecode_cache(cache, roots=[str(tmp_path / "installed")]) == 1

    seeded = _cache_file_python_reads(source, cache)
    assert seeded.is_file() and seeded.stat().st_ino == compiled.stat().st_ino
    _python_with_cache(cache, "import trade_terms", PYTHONPATH=str(source.parent))
    # Python found it valid and used it: a compiled file it wrote would be a new file.
    assert seeded.stat().st_ino == compiled.stat().st_ino


def test_a_seeded_cache_is_not_walked_again(tmp_path):
    _, compiled = _compiled_module(tmp_path)
    cache = tmp_path / "cache"
    run_suites.seed_bytecode_cache(cache, roots=[str(tmp_path / "installed")])
    compiled.with_name(f"more.{sys.implementation.cache_tag}.pyc").write_bytes(compiled.read_bytes())

    assert run_suites.seed_bytecode_cache(cache, roots=[str(tmp_path / "installed")]) == 0


def test_only_a_cache_run_suites_chose_is_seeded():
    assert run_suites._cache_is_ours({"PYTHONDONTWRITEBYTECODE": "1"})
    assert not run_suites._cache_is_ours({})  # Python writes __pycache__ as it always does
    assert not run_suites._cache_is_ours({"PYTHONDONTWRITEBYTECODE": "1",
                                          "PYTHONPYCACHEPREFIX": "/var/cache/py"})


def test_a_root_on_another_file_system_is_left_out_and_the_others_are_seeded(
        tmp_path, monkeypatch):
    _compiled_module(tmp_path, "stdlib")
    _, here = _compiled_module(tmp_path, "site-packages")
    link = os.link

    def across_devices(source, target):
        if Path(source).is_relative_to(tmp_path / "stdlib"):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        link(source, target)

    monkeypatch.setattr(run_suites.os, "link", across_devices)
    cache = tmp_path / "cache"
    roots = [str(tmp_path / "stdlib"), str(tmp_path / "site-packages")]

    assert run_suites.seed_bytecode_cache(cache, roots=roots) == 1
    assert [path.stat().st_ino for path in cache.rglob("*.pyc")] == [here.stat().st_ino]
