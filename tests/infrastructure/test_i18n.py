"""Translations: every UI string has a Traditional Chinese translation, the message
catalog matches the sources, and the portal speaks the visitor's language."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.factories import csrf_token, portal_login

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "marketplace" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "zh_Hant" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]")

ZH_TW = {"Accept-Language": "zh-TW,zh;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en"}


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def _describe(ids) -> str:
    return "\n".join(f"  {i!r}" for i in sorted(ids, key=str))


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs(app):
    """The .mo files are built by `make translations`; a bare pytest run builds the
    missing or stale ones here, so the pages below are tested with the current .po."""
    compiled = False
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalog = _read(po_path)
        with mo_path.open("wb") as f:
            write_mo(f, catalog)
        compiled = True
    if compiled:  # a language loaded before this point is cached without its strings
        from flask_babel import get_domain

        with app.test_request_context():
            get_domain().cache.clear()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    """The msgids pybabel finds in the sources now (the command of docs/TRANSLATIONS.md)."""
    output = tmp_path_factory.mktemp("i18n") / "messages.pot"
    run = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(output), "."],
        cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, f"pybabel extract failed:\n{run.stderr}"
    return _ids(_read(output))


# ----- the catalog ---------------------------------------------------------------------------


@pytest.mark.database_independent
def test_the_pot_is_up_to_date_with_the_sources(extracted):
    template = _ids(_read(POT))
    new, gone = extracted - template, template - extracted
    assert not new and not gone, (
        "marketplace/translations/messages.pot is out of date; run the extract and update "
        "steps of docs/TRANSLATIONS.md and translate the new strings.\n"
        f"New in the sources, missing from the .pot:\n{_describe(new)}\n"
        f"In the .pot, gone from the sources:\n{_describe(gone)}")


@pytest.mark.database_independent
def test_the_chinese_catalog_covers_every_string_in_the_sources(extracted):
    catalog = _ids(_read(PO))
    missing, obsolete = extracted - catalog, catalog - extracted
    assert not missing, (
        "Strings in the sources with no entry in zh_Hant/LC_MESSAGES/messages.po (run "
        f"`pybabel update`, then translate them):\n{_describe(missing)}")
    assert not obsolete, f"Entries no longer in the sources:\n{_describe(obsolete)}"


@pytest.mark.database_independent
def test_every_chinese_message_is_translated_and_not_fuzzy():
    catalog = _read(PO)
    assert catalog.num_plurals == 1  # Chinese has one plural form
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not strings or not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"Untranslated in zh_Hant:\n{_describe(untranslated)}"
    assert not fuzzy, f"Fuzzy (to review, then drop the flag) in zh_Hant:\n{_describe(fuzzy)}"
    assert not catalog.obsolete, f"Obsolete entries (#~) in zh_Hant:\n{_describe(catalog.obsolete)}"


@pytest.mark.database_independent
def test_translations_keep_the_placeholders():
    catalog = _read(PO)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PLACEHOLDER.findall(msgid))
        wrong += [(msgid, s) for s in strings if sorted(PLACEHOLDER.findall(s)) != expected]
    assert not wrong, "Placeholders differ from the msgid:\n" + "\n".join(
        f"  {m!r} -> {s!r}" for m, s in wrong)
    assert not [error for _message, errors in catalog.check() for error in errors]


# ----- the portal ----------------------------------------------------------------------------


def test_login_page_follows_the_browser_language(client):
    chinese = client.get("/login", headers=ZH_TW).get_data(as_text=True)
    assert '<html lang="zh-Hant">' in chinese
    for text in ("登入", "電子郵件", "密碼", "忘記密碼？", "註冊貴公司"):
        assert text in chinese
    assert "Forgot your password?" not in chinese

    english = client.get("/login", headers=EN).get_data(as_text=True)
    assert '<html lang="en">' in english
    for text in ("Log in", "E-mail", "Password", "Forgot your password?"):
        assert text in english
    assert "忘記密碼" not in english


def test_language_switch_changes_the_following_pages(client):
    token = csrf_token(client, "/login")
    switched = client.post("/language/zh_Hant", data={"csrf_token": token}, headers=EN)
    assert switched.status_code == 302

    # The choice beats the browser's English from now on.
    assert "忘記密碼？" in client.get("/login", headers=EN).get_data(as_text=True)
    landing = client.get("/", headers=EN).get_data(as_text=True)
    assert "註冊貴公司" in landing and "Register your company" not in landing
    assert "電子郵件" in client.get("/forgot-password", headers=EN).get_data(as_text=True)

    client.post("/language/en", data={"csrf_token": csrf_token(client, "/login")})
    assert "Forgot your password?" in client.get("/login", headers=ZH_TW).get_data(as_text=True)


def test_language_switch_needs_the_csrf_token_and_a_known_language(client):
    assert client.post("/language/zh_Hant").status_code == 400
    token = csrf_token(client, "/login")
    assert client.post("/language/fr", data={"csrf_token": token}).status_code == 404
    assert "Forgot your password?" in client.get("/login", headers=EN).get_data(as_text=True)


def test_a_member_switching_to_chinese_sees_the_office_in_chinese(client, make):
    admin = make.company_with_admin("Formosa Trading")
    portal_login(client, admin.email)
    client.post("/language/zh_Hant", data={"csrf_token": csrf_token(client, "/members")})

    office = client.get("/", headers=EN).get_data(as_text=True)
    assert "我的工作區" in office and "登出" in office
    assert "您的角色: 管理員" in office
    members = client.get("/members", headers=EN).get_data(as_text=True)
    assert "邀請同事" in members and ">管理員</option>" in members


def test_form_errors_are_in_traditional_not_simplified_chinese(client):
    headers = {"Accept-Language": "zh-TW"}
    token = csrf_token(client, "/forgot-password")
    page = client.post("/forgot-password", data={"csrf_token": token, "email": ""},
                       headers=headers).get_data(as_text=True)
    assert "此欄位是必需的" in page
    assert "该字段" not in page


def test_countries_are_named_in_the_page_language(client):
    english = client.get("/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/register", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert '<option value="TW">Taiwan</option>' in english
    assert '<option value="DE">德國</option>' in chinese
    assert '<option value="TW">臺灣</option>' in chinese
