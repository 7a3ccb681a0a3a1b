"""What the factory promises: production refuses demo secrets, the health check tells the
truth, development mail lands in the console and instance/mail/."""

import pytest

from marketplace import create_app
from tests.factories import PASSWORD

# Uses no run's database: runs once per make test (tests/conftest.py).
pytestmark = pytest.mark.database_independent


def test_production_refuses_the_demo_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MARKETPLACE_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="refuses the demo secret key"):
        create_app("production", instance_path=str(tmp_path))
    app = create_app("production", {"SECRET_KEY": "a-real-secret-from-the-vault-32-bytes",
                                    "BASE_URL": "https://market.example.com"},
                     instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_health_check_says_503_when_the_database_does_not_answer(tmp_path):
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none",
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}}},
        instance_path=str(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_development_mail_goes_to_the_console_and_the_instance_folder(tmp_path, capsys):
    app = create_app("development", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/dev.db"}, instance_path=str(tmp_path))
    from marketplace.extensions import celery, db

    celery.flask_app = app
    with app.app_context():
        db.create_all()
    response = app.test_client().post("/api/v1/auth/register", json={
        "company": {"name": "Dev Co", "country": "JP", "roles": ["buyer"]},
        "user": {"email": "dev@example.com", "password": PASSWORD, "full_name": "Dev"}})
    assert response.status_code == 202
    [saved] = list((tmp_path / "mail").glob("*.eml"))
    assert "Confirm your e-mail address" in saved.read_text()
    assert "mail to dev@example.com" in capsys.readouterr().err
