"""Issue 17.12: `make run` writes links where it really serves: BASE_URL follows PORT
when it is not set (PORT=8000 make run wrote links to port 5000 before), and a BASE_URL
that is set is kept. Make runs the real target with a stand-in for flask that reports
what it was given (the venv's stamp is named by an existing file, so nothing installs)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_run(tmp_path):
    if shutil.which("make") is None:
        pytest.fail("make is needed to check the run target")
    fake = tmp_path / "flask"
    fake.write_text('#!/bin/sh\necho "flask $* BASE_URL=$BASE_URL"\n')
    fake.chmod(0o755)

    def run(**env: str) -> list[str]:
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("PORT", "BASE_URL", "MAKEFLAGS", "MFLAGS")}
        environment.update(env)
        done = subprocess.run(["make", "-s", "run", "STAMP=README.md", f"FLASK={fake}"],
                              cwd=ROOT, env=environment, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if line.startswith("flask ")]

    return run


def test_base_url_follows_port_when_unset(make_run):
    calls = make_run(PORT="8000")
    assert calls == ["flask db upgrade BASE_URL=http://127.0.0.1:8000",
                     "flask seed-demo --if-empty BASE_URL=http://127.0.0.1:8000",
                     "flask run --host 127.0.0.1 --port 8000 BASE_URL=http://127.0.0.1:8000"]


def test_default_port_and_a_base_url_that_is_set(make_run):
    assert make_run()[-1] == "flask run --host 127.0.0.1 --port 5000 " \
                             "BASE_URL=http://127.0.0.1:5000"
    calls = make_run(PORT="8000", BASE_URL="https://market.example.com")
    assert calls[-1] == "flask run --host 127.0.0.1 --port 8000 " \
                        "BASE_URL=https://market.example.com"
