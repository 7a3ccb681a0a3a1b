"""Run the whole test suite on SQLite, then on PostgreSQL when one is available.

``make test`` calls this as ``.venv/bin/python tests/run_suites.py``; extra arguments go
to pytest (``make test`` takes none; call the script directly for ``-k``, ``-x``, ...).

PostgreSQL is used when TEST_DATABASE_URL is set, or when a server answers on
127.0.0.1:5432 (user postgres, trust auth); tests/conftest.py creates a fresh database
on that server for the run and drops it afterwards. Exits non-zero when any run fails,
including a run that collected no tests (pytest's exit code 5).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
CHROMIUM = "/usr/bin/chromium"
EXIT_MEANINGS = {0: "passed", 1: "tests failed", 2: "interrupted", 3: "internal error",
                 4: "usage error", 5: "no tests collected"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
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


def run_pytest(label: str, database_url: str | None, args: list[str]) -> tuple[int, str]:
    """Run pytest once, its output streamed through; return its exit code and the
    final summary line ("120 passed, 2 skipped in 40.1s")."""
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    if database_url:
        env["TEST_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "pytest", *args]
    if sys.stdout.isatty() and not any(a.startswith("--color") for a in args):
        command.append("--color=yes")
    print(f"\n===== {label}: {' '.join(command[1:])}", flush=True)
    summary = ""
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                          encoding="utf-8", errors="replace", bufsize=1) as process:
        try:
            for line in process.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                match = SUMMARY.match(ANSI.sub("", line).strip())
                if match:
                    summary = match.group(1)
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise
    return process.returncode, summary


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

    results = []
    for label, url in runs:
        code, summary = run_pytest(label, url, args)
        results.append((label, code, summary))

    print("\n===== Summary", flush=True)
    for label, code, summary in results:
        meaning = EXIT_MEANINGS.get(code, "failed")
        verdict = "OK" if code == 0 else f"FAILED ({meaning}, pytest exit code {code})"
        print(f"{label}: {verdict}" + (f" — {summary}" if summary else ""))
    if postgres_note:
        print(postgres_note)
    if browser_note:
        print(browser_note)
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        sys.exit(130)
