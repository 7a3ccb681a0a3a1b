"""Splitting one database's run of the suite over several pytest processes (shards).

tests/run_suites.py starts each shard with ``TEST_SHARD=i/n``; every shard collects the
whole suite and keeps only its part, so all shards agree on the split without talking.
The unit of the split is a test file (a file's shared world, tests/worlds.py, is built
in one process only), except that every test of the demo world goes to shard 1, where
one seeding serves them all. Units are dealt longest first to the least loaded shard,
weighed by the durations of an earlier run (tests/durations.json, written by
``run_suites.py --store-durations``); a file the record does not know weighs as the
record's median file.
"""

from __future__ import annotations

import json
import os
import statistics
from collections import defaultdict
from pathlib import Path

DURATIONS = Path(__file__).with_name("durations.json")
DEMO_UNIT = "<the demo world>"
SHARD_VARIABLE = "TEST_SHARD"
DURATIONS_OUT_VARIABLE = "TEST_DURATIONS_OUT"
# "sqlite" or "postgresql": this run's share of the tests run once per make test (the
# browser tests and those marked database_independent; tests/conftest.py); unset: all.
RUN_ONCE_VARIABLE = "TEST_RUN_ONCE"


def unit_of(item) -> str:
    if "demo" in getattr(item, "fixturenames", ()):
        return DEMO_UNIT
    return item.nodeid.split("::")[0]


def parse_shard(value: str) -> tuple[int, int]:
    """``"2/3"`` → (2, 3); shards are counted from 1."""
    number, _, count = value.partition("/")
    shard, shards = int(number), int(count)
    if not 1 <= shard <= shards:
        raise ValueError(f"{SHARD_VARIABLE}={value}: the shard must be between 1 and {shards}")
    return shard, shards


def recorded_durations(database: str) -> dict[str, float]:
    try:
        return json.loads(DURATIONS.read_text(encoding="utf-8")).get(database, {})
    except (OSError, ValueError):
        return {}


def deal(units: list[str], shards: int, durations: dict[str, float]) -> dict[str, int]:
    """Each unit's shard (1-based): longest first, each to the least loaded shard; the demo
    world always to shard 1."""
    known = [durations[unit] for unit in units if unit in durations]
    default = statistics.median(known) if known else 1.0
    loads = [0.0] * shards
    placed: dict[str, int] = {}
    if DEMO_UNIT in units:
        placed[DEMO_UNIT] = 1
        loads[0] += durations.get(DEMO_UNIT, default)
    rest = sorted((u for u in units if u != DEMO_UNIT),
                  key=lambda u: (-durations.get(u, default), u))
    for unit in rest:
        lightest = min(range(shards), key=lambda i: (loads[i], i))
        placed[unit] = lightest + 1
        loads[lightest] += durations.get(unit, default)
    return placed


def keep_this_shard(config, items: list, database: str) -> None:
    """Deselect every collected test that belongs to another shard."""
    value = os.environ.get(SHARD_VARIABLE)
    if not value:
        return
    shard, shards = parse_shard(value)
    units = sorted({unit_of(item) for item in items})
    placed = deal(units, shards, recorded_durations(database))
    kept = [item for item in items if placed[unit_of(item)] == shard]
    dropped = [item for item in items if placed[unit_of(item)] != shard]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept


class DurationRecorder:
    """Adds up each unit's time (set-up, call, tear-down) and writes it at the end of the
    run to the file named by TEST_DURATIONS_OUT."""

    def __init__(self, path: str):
        self.path = path
        self.units: dict[str, str] = {}
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_collection_modifyitems(self, items) -> None:
        self.units = {item.nodeid: unit_of(item) for item in items}

    def pytest_runtest_logreport(self, report) -> None:
        unit = self.units.get(report.nodeid, report.nodeid.split("::")[0])
        self.seconds[unit] += report.duration

    def pytest_sessionfinish(self) -> None:
        Path(self.path).write_text(json.dumps(self.seconds, indent=1, sort_keys=True),
                                   encoding="utf-8")


def database_name() -> str:
    return "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
