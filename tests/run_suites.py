"""Run the whole test suite on SQLite and on PostgreSQL (when one is available), the
two runs at the same time, and print each run's summary and the total time.

``make test`` calls this as ``.venv/bin/python tests/run_suites.py``; extra arguments go
to pytest (``make test`` takes none; call the script directly for ``-k``, ``-x``, ...).

The runs share nothing: each has its own database (a temporary SQLite file; a fresh
PostgreSQL database), instance folder, SMTP server and live server on free ports. On a
machine with two cores or more they run side by side, each line of output prefixed with
its run's name, and each run's whole output is kept in a log file named at the end;
TEST_SUITES_SERIAL=1 (or a single core) runs them one after the other, as before.

The browser tests and the tests marked ``database_independent`` (their own gunicorn,
``make run``, the catalog's extraction: the run's database plays no part) run once, in
the SQLite run, except a few database-independent files the PostgreSQL run takes when
there is one, so that the two runs end together; each run deselects the other's (its
summary counts them as deselected). tests/conftest.py says which and why.

Each database's run is split over several processes (shards, tests/sharding.py), each
with a database of its own, side by side with the other runs: for the whole suite on a
machine of two cores or more, as many per database as cores, up to four; one when pytest
is given arguments. TEST_SHARDS sets the number: ``2`` for both, ``sqlite=1,postgresql=2``,
``1`` for one process per database. ``--store-durations`` (with the whole suite) writes
each file's time to tests/durations.json, which the split is weighed by; the summary adds
the shards' counts up per database.

PostgreSQL is used when TEST_DATABASE_URL is set, or when a server answers on
127.0.0.1:5432 (user postgres, trust auth); tests/conftest.py creates a fresh database
on that server for the run and drops it afterwards. Exits non-zero when any run fails,
including a run that collected no tests (pytest's exit code 5).
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.sharding import (  # noqa: E402
    DURATIONS,
    DURATIONS_OUT_VARIABLE,
    RUN_ONCE_VARIABLE,
    SHARD_VARIABLE,
)

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
CHROMIUM = "/usr/bin/chromium"
EXIT_MEANINGS = {0: "passed", 1: "tests failed", 2: "interrupted", 3: "internal error",
                 4: "usage error", 5: "no tests collected"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# pytest's "short test summary info" lines: repeated in the summary so that a CI log that
# keeps only its tail still names what failed.
FAILURE = re.compile(r"^(FAILED|ERROR) \S")
SUMMARY = re.compile(r"^=*\s*((?:\d+ \w+|no tests ran)\b[^=]* in [0-9.]+s\b[^=]*?)\s*=*$")


def local_postgres_answers(timeout: int = 2) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(LOCAL_POSTGRES, connect_timeout=timeout):
            return True
    except Exception:  # refused, timed out, auth: in every case there is nothing to use
        return False


class Run:
    """One pytest process over the whole suite, against one database."""

    def __init__(self, label: str, database_url: str | None, args: list[str], log_dir: Path,
                 shard: str | None = None, durations_out: Path | None = None,
                 run_once_share: str | None = None):
        self.label, self.database_url, self.args = label, database_url, args
        self.run_once_share = run_once_share
        self.shard, self.durations_out = shard, durations_out
        self.log_path = log_dir / f"{label.lower().replace(' ', '-').replace('/', 'of')}.log"
        self.summary = ""
        self.failures: list[str] = []
        self.code: int | None = None
        self.seconds = 0.0
        self.process: subprocess.Popen | None = None

    def command(self, color: bool) -> list[str]:
        command = [sys.executable, "-m", "pytest", *self.args]
        if color and not any(a.startswith("--color") for a in self.args):
            command.append("--color=yes")
        return command

    def start(self, color: bool) -> None:
        env = dict(os.environ)
        env.pop("TEST_DATABASE_URL", None)
        if self.database_url:
            env["TEST_DATABASE_URL"] = self.database_url
        env.pop(SHARD_VARIABLE, None)
        if self.shard:
            env[SHARD_VARIABLE] = self.shard
        if self.durations_out:
            env[DURATIONS_OUT_VARIABLE] = str(self.durations_out)
        env.pop(RUN_ONCE_VARIABLE, None)
        if self.run_once_share:
            env[RUN_ONCE_VARIABLE] = self.run_once_share
        keep_bytecode(env)
        command = self.command(color)
        print(f"\n===== {self.label}: {' '.join(command[1:])}", flush=True)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace",
            bufsize=1)

    def relay(self, prefix: str, lock: threading.Lock) -> None:
        """Copy the output through (prefixed) and into the log; note the summary line."""
        with open(self.log_path, "w", encoding="utf-8") as log:
            for line in self.process.stdout:
                log.write(line)
                with lock:
                    sys.stdout.write(prefix + line)
                    sys.stdout.flush()
                plain = ANSI.sub("", line).strip()
                if FAILURE.match(plain):
                    self.failures.append(plain)
                match = SUMMARY.match(plain)
                if match:
                    self.summary = match.group(1)
        self.code = self.process.wait()
        self.seconds = time.monotonic() - self.started

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


BYTECODE_CACHE = ROOT / ".pytest_cache" / "pycache"


def _cache_is_ours(env: Mapping[str, str]) -> bool:
    return bool(env.get("PYTHONDONTWRITEBYTECODE")) and not env.get("PYTHONPYCACHEPREFIX")


def keep_bytecode(env: dict[str, str]) -> None:
    """Compiled modules kept between runs, outside the tree (.pytest_cache/pycache, or
    the folder PYTHONPYCACHEPREFIX names): with PYTHONDONTWRITEBYTECODE set, as some
    shells and containers do to keep a checkout free of __pycache__, every run compiled
    the app and rewrote the asserts of 470 test modules again, about 8 s of CPU a run
    before the first test. The files go to the cache folder, never into the tree; the
    first run after a change compiles what changed, as Python always does."""
    if _cache_is_ours(env):
        env.pop("PYTHONDONTWRITEBYTECODE")
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)


def seed_bytecode_cache(cache: Path, roots: Iterable[str] | None = None) -> int:
    """The standard library's and the installed packages' own compiled modules linked into
    the cache folder, once: Python reads compiled modules only from that folder when it is
    set, so a first run (a fresh clone: CI) compiled them again in each of its four
    processes and in every server a test starts: 13.4 s before the first test of a process
    instead of 6.8 (2.7 once the cache holds the app's and the tests' too). Links, not
    copies (a file Python compiles again replaces its link, never the file it pointed
    to); a root on another file system is left out, and Python compiles its modules as
    before. Returns how many were linked."""
    marker = cache / f".seeded-{sys.implementation.cache_tag}"
    if marker.exists():
        return 0
    if roots is None:
        roots = {sysconfig.get_paths()[key] for key in ("stdlib", "purelib", "platlib")}
    linked = sum(_link_compiled(root, cache) for root in roots)
    cache.mkdir(parents=True, exist_ok=True)
    marker.touch()
    return linked


def _link_compiled(root: str, cache: Path) -> int:
    """Each __pycache__ file of root linked where Python with that cache folder reads it:
    the source's folder under the cache, without the __pycache__ level."""
    suffix, linked = f".{sys.implementation.cache_tag}.pyc", 0
    for folder, _, names in os.walk(root):
        if os.path.basename(folder) != "__pycache__":
            continue
        compiled = [name for name in names if name.endswith(suffix)]
        if not compiled:
            continue
        mirror = cache / os.path.dirname(folder).lstrip(os.sep)
        mirror.mkdir(parents=True, exist_ok=True)
        for name in compiled:
            try:
                os.link(os.path.join(folder, name), mirror / name)
            except FileExistsError:
                continue
            except OSError:  # another file system, or links not allowed there
                return linked
            linked += 1
    return linked


def run_all(runs: list[Run], parallel: bool) -> None:
    color = sys.stdout.isatty()
    lock = threading.Lock()
    if not parallel:
        for run in runs:
            run.start(color)
            run.relay("", lock)
        return
    width = max(len(run.label) for run in runs)
    threads = []
    for run in runs:
        run.start(color)
        thread = threading.Thread(target=run.relay, args=(f"[{run.label:<{width}}] ", lock),
                                  name=run.label, daemon=True)
        thread.start()
        threads.append(thread)
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        for run in runs:
            run.stop()
        raise


# Processes per database when TEST_SHARDS is unset and the whole suite runs side by side:
# each run waits a good part of its time (PostgreSQL, Chromium, the servers tests start),
# and a second process per database fills that time with other tests. On 2 cores
# (bench/README, "The suite's own time"): one per database 12 min 04 s, two 9 min 33 s
# to 11 min 00 s as the machine's speed moved, three 10 min 33 s.
MOST_SHARDS_BY_DEFAULT = 4


def default_shards(whole_suite: bool, parallel: bool) -> int:
    """Two processes per database on a 2-core machine, up to four on a larger one; one when
    pytest is given arguments (``-k``, a file: a shard could be left with nothing to run)
    or the runs go one after the other."""
    if not (whole_suite and parallel):
        return 1
    return max(1, min(os.cpu_count() or 1, MOST_SHARDS_BY_DEFAULT))


def shard_counts(default: int = 1) -> dict[str, int]:
    """How many processes each database's run is split over: TEST_SHARDS is one number for
    both (``2``) or one per database (``sqlite=1,postgresql=2``); ``default`` each when
    unset (``TEST_SHARDS=1``: one process per database, as before)."""
    value = os.environ.get("TEST_SHARDS", "").strip()
    counts = {"sqlite": default, "postgresql": default}
    if value.isdigit():
        return dict.fromkeys(counts, max(1, int(value)))
    for part in filter(None, (p.strip() for p in value.split(","))):
        database, _, number = part.partition("=")
        if database.strip().lower() in counts and number.strip().isdigit():
            counts[database.strip().lower()] = max(1, int(number))
    return counts


def store_durations(suites: list[Run]) -> None:
    """tests/durations.json from this run: each unit's seconds per database (each unit ran
    in one shard only, so the shards' records add up)."""
    record: dict[str, dict[str, float]] = {}
    for run in suites:
        database = "postgresql" if run.database_url else "sqlite"
        if run.durations_out and run.durations_out.exists():
            units = json.loads(run.durations_out.read_text(encoding="utf-8"))
            record.setdefault(database, {}).update(
                {unit: round(seconds, 2) for unit, seconds in units.items()})
    DURATIONS.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"Durations written to {DURATIONS.relative_to(ROOT)}")


COUNT = re.compile(r"(\d+) (\w+)")


def database_totals(suites: list[Run]) -> list[str]:
    """One line per database whose run was split: its shards' counts added up, so the
    suite's size reads as it did with one process per database. Every shard collects the
    whole suite and deselects the others' tests, so what the database's run left out is the
    collection less what its shards ran."""
    lines = []
    for label in dict.fromkeys(run.label.split(" ")[0] for run in suites):
        shards = [run for run in suites if run.label.split(" ")[0] == label]
        if len(shards) < 2 or not all(run.summary for run in shards):
            continue
        counted = [{word: int(n) for n, word in COUNT.findall(run.summary.split(" in ")[0])
                    if not word.startswith("warning")}  # warnings are not tests
                   for run in shards]
        ran: dict[str, int] = {}
        for counts in counted:
            for word, number in counts.items():
                if word != "deselected":
                    ran[word] = ran.get(word, 0) + number
        collected = sum(counted[0].values())
        ran["deselected"] = collected - sum(ran.values())
        words = ", ".join(f"{number} {word}" for word, number in ran.items() if number)
        verdict = "OK" if all(run.code == 0 for run in shards) else "FAILED"
        lines.append(f"{label}, {len(shards)} processes together: {verdict} — {words}")
    return lines


def cpu_reference() -> float:
    """CPU seconds one core takes for a fixed piece of pure Python, the same in every run:
    with the load and the runs' CPU time it tells a slow or busy machine's total time from
    a slower suite's (the same suite took 9 and 13 minutes on two machines of one kind)."""
    started = time.process_time()
    total = 0
    for number in range(5_000_000):
        total += number % 7
    return time.process_time() - started


def interpreter() -> str:
    """Which Python the runs used: the CPU reference is that interpreter's time, and one
    build of the same version ran the suite in 12% less CPU than another (bench/README,
    "The interpreter")."""
    return f"Python {sys.version.split()[0]} of {sys.base_prefix}"


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # not on every platform
        return "unknown"


def _minutes(seconds: float) -> str:
    tenths = round(seconds * 10)  # rounded first: 659.96 s is 11 min 00.0 s, not 10 min 60.0 s
    return f"{tenths // 600} min {tenths % 600 / 10:04.1f} s"


def main(args: list[str]) -> int:
    browser_note = None
    if not os.access(CHROMIUM, os.X_OK):
        browser_note = (f"Browser tests: SKIPPED — {CHROMIUM} is missing "
                        "(apt-get install chromium, or run .ci/run); the rest of the suite ran.")
        print(browser_note, flush=True)

    runs: list[tuple[str, str | None]] = [("SQLite", None)]
    postgres_note = None
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        runs.append(("PostgreSQL", explicit))
    elif local_postgres_answers():
        runs.append(("PostgreSQL", LOCAL_POSTGRES))
    else:
        postgres_note = ("PostgreSQL: SKIPPED — no server on 127.0.0.1:5432 and "
                         "TEST_DATABASE_URL unset; the suite ran on SQLite only.")
        print(postgres_note, flush=True)

    serial = os.environ.get("TEST_SUITES_SERIAL") == "1" or (os.cpu_count() or 1) < 2
    log_dir = Path(tempfile.mkdtemp(prefix="marketplace-test-logs-"))
    storing = "--store-durations" in args
    args = [a for a in args if a != "--store-durations"]
    counts = shard_counts(default_shards(whole_suite=not args, parallel=not serial))
    suites = []
    for label, url in runs:
        shards = counts["postgresql" if url else "sqlite"]
        for number in range(1, shards + 1):
            name = label if shards == 1 else f"{label} {number}/{shards}"
            # The SQLite run always runs (first in `runs`): the browser tests and those that
            # use no run's database run there, once per `make test`, but for the share of
            # the PostgreSQL run when there is one (tests/conftest.py).
            suites.append(Run(name, url, args, log_dir,
                              shard=f"{number}/{shards}" if shards > 1 else None,
                              durations_out=log_dir / f"durations-{len(suites)}.json"
                              if storing else None,
                              run_once_share=("postgresql" if url else "sqlite")
                              if len(runs) > 1 else None))
    reference, load_before = cpu_reference(), _load()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    if _cache_is_ours(os.environ):
        seed_bytecode_cache(BYTECODE_CACHE)
    run_all(suites, parallel=len(suites) > 1 and not serial)
    total = time.monotonic() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = (children.ru_utime + children.ru_stime
                   - children_before.ru_utime - children_before.ru_stime)
    if storing and all(run.code == 0 for run in suites):
        store_durations(suites)

    print("\n===== Summary", flush=True)
    for run in suites:
        meaning = EXIT_MEANINGS.get(run.code, "failed")
        verdict = "OK" if run.code == 0 else f"FAILED ({meaning}, pytest exit code {run.code})"
        print(f"{run.label}: {verdict}" + (f" — {run.summary}" if run.summary else "")
              + f" [{_minutes(run.seconds)}; log: {run.log_path}]")
        for failure in run.failures:
            print(f"  {run.label}: {failure}")
    for line in database_totals(suites):
        print(line)
    if postgres_note:
        print(postgres_note)
    if browser_note:
        print(browser_note)
    how = "side by side" if len(suites) > 1 and not serial else "one after the other"
    print(f"Total time: {_minutes(total)} ({len(suites)} run{'s' if len(suites) > 1 else ''}"
          f", {how})")
    print(f"Machine: {os.cpu_count()} cores, load average {load_before} at the start and "
          f"{_load()} at the end; the test processes used {cpu_seconds:,.0f} CPU-seconds; "
          f"CPU reference {reference:.2f} s at the start, {cpu_reference():.2f} s at the end "
          f"(a fixed loop on one core, run by {interpreter()}; lower is faster)")
    return 0 if all(run.code == 0 for run in suites) else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        sys.exit(130)
