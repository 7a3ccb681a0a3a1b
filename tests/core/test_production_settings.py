"""Production settings refuse what only a demo may use (issue 12, item 7): a short
SECRET_KEY, demo mode, and loading the demo accounts with their published password."""

import pytest

from marketplace import create_app

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent

STRONG_KEY = "k" * 32
BASE_URL = "https://market.example.com"


@pytest.fixture(autouse=True)
def _no_secret_from_the_environment(monkeypatch):
    for name in ("SECRET_KEY", "MARKETPLACE_SECRET_KEY", "MARKETPLACE_DEMO_MODE", "BASE_URL",
                 "MARKETPLACE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_a_secret_key_shorter_than_32_bytes(tmp_path):
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        create_app("production", {"SECRET_KEY": "a-real-secret-from-the-vault"},  # 28
                   instance_path=str(tmp_path))
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        create_app("production", {"SECRET_KEY": "秘" * 10}, instance_path=str(tmp_path))  # 30
    assert create_app("production", {"SECRET_KEY": STRONG_KEY, "BASE_URL": BASE_URL},
                      instance_path=str(tmp_path)).config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_demo_mode_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MARKETPLACE_DEMO_MODE", "true")
    with pytest.raises(RuntimeError, match="demo mode"):
        create_app("production", instance_path=str(tmp_path))  # the demo key, bypassed before
    with pytest.raises(RuntimeError, match="demo mode"):
        create_app("production", {"SECRET_KEY": STRONG_KEY}, instance_path=str(tmp_path))


def test_seed_demo_refuses_to_run_under_production_settings(tmp_path):
    from marketplace.extensions import db
    from marketplace.infrastructure.models import User

    app = create_app("production", {
        "SECRET_KEY": STRONG_KEY, "BASE_URL": BASE_URL,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"},
        instance_path=str(tmp_path))
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 0  # no operator with the published password
        db.engine.dispose()


def test_production_refuses_to_start_without_base_url(tmp_path, monkeypatch):
    """Issue 17.12: links in mail and exports point where the app is really served;
    production never falls back to the development address."""
    with pytest.raises(RuntimeError, match="Set BASE_URL"):
        create_app("production", {"SECRET_KEY": STRONG_KEY}, instance_path=str(tmp_path))
    with pytest.raises(RuntimeError, match="Set BASE_URL"):
        create_app("production", {"SECRET_KEY": STRONG_KEY, "BASE_URL": "market.example.com"},
                   instance_path=str(tmp_path))  # no scheme: a link nobody can follow
    monkeypatch.setenv("BASE_URL", BASE_URL)
    app = create_app("production", {"SECRET_KEY": STRONG_KEY}, instance_path=str(tmp_path))
    assert app.config["BASE_URL"] == BASE_URL


def test_development_keeps_its_local_default(tmp_path):
    app = create_app("development", instance_path=str(tmp_path))
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
