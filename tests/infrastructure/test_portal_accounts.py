"""Portal sessions, CSRF, password reset and invitations, with mail read from SMTP."""

from http.cookies import SimpleCookie

from tests.factories import PASSWORD, csrf_token, link_in, portal_login


def _session_cookie(response) -> str:
    cookies = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookies.load(header)
    return cookies["session"].value


def test_forms_without_the_csrf_token_are_refused(client, make):
    admin = make.company_with_admin()
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/members").status_code == 302  # still not logged in


def test_cookie_sessions_need_the_csrf_token_for_api_writes(client, make):
    admin = make.company_with_admin()
    portal_login(client, admin.email)
    assert client.get("/api/v1/me").status_code == 200
    refused = client.post("/api/v1/address-book", json={"name": "Forwarder"})
    assert refused.status_code == 400
    assert refused.get_json()["detail"] == "The CSRF token is missing."
    token = csrf_token(client, "/members")
    accepted = client.post("/api/v1/address-book", json={"name": "Forwarder"},
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_session_is_renewed_at_login_and_dead_after_logout(app, make):
    admin = make.company_with_admin()
    browser = app.test_client()
    browser.get("/login")
    before = browser.get_cookie("session").value
    response = portal_login(browser, admin.email)
    assert response.status_code == 302
    after = _session_cookie(response)
    assert after != before
    assert browser.get("/members").status_code == 200

    logout = browser.post("/logout", data={"csrf_token": csrf_token(browser, "/members")})
    assert logout.status_code == 302

    # Whoever kept a copy of the logged-in cookie gets nothing with it.
    thief = app.test_client()
    thief.set_cookie("session", after)
    assert thief.get("/members").status_code == 302
    assert thief.get("/api/v1/me").status_code == 401


def test_wrong_password_in_the_portal_and_the_429_after_repeats(client, make):
    admin = make.company_with_admin()
    for _ in range(5):
        response = portal_login(client, admin.email, "wrong-password")
        assert response.status_code == 401
        assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert portal_login(client, admin.email).status_code == 429


def test_removed_member_is_logged_out_on_the_next_page(app, make, api):
    admin = make.company_with_admin()
    colleague = make.member(admin.company_id, "purchasing")
    browser = app.test_client()
    portal_login(browser, colleague.email)
    assert browser.get("/address-book").status_code == 200

    token = api.token(admin)
    members = api.get(f"/companies/{admin.company_id}/members", token).get_json()["items"]
    membership = next(m for m in members if m["user"]["id"] == colleague.user_id)
    api.delete(f"/companies/{admin.company_id}/members/{membership['id']}", token)

    response = browser.get("/address-book", follow_redirects=True)
    assert response.request.path == "/login"
    assert "no longer a member" in response.get_data(as_text=True)


def test_password_reset_by_mailed_link_works_once(client, make, mailbox, api):
    admin = make.company_with_admin()
    old_token = api.token(admin)
    token = csrf_token(client, "/forgot-password")
    client.post("/forgot-password", data={"email": admin.email.upper(), "csrf_token": token})
    [mail] = mailbox.to(admin.email)
    assert mail["Subject"] == "Reset your password"
    path = link_in(mailbox.body(mail))

    new_password = "a-brand-new-password"
    form = {"password": new_password, "confirm": new_password,
            "csrf_token": csrf_token(client, path)}
    assert client.post(path, data=form).status_code == 302
    assert api.get("/me", old_token).status_code == 401  # a reset ends other access
    assert api.post("/auth/token", json={"email": admin.email,
                                         "password": PASSWORD}).status_code == 401
    api.token(admin.email, new_password)

    reused = client.post(path, data={**form, "csrf_token": csrf_token(client, path)})
    assert "invalid, used or expired" in reused.get_data(as_text=True)


def test_password_reset_for_an_unknown_address_says_the_same(client, mailbox, api):
    response = api.post("/auth/password-reset", json={"email": "nobody@example.com"})
    assert response.status_code == 202
    assert mailbox.messages == []


def test_invited_colleague_joins_with_the_mailed_link(client, make, mailbox, api):
    admin = make.company_with_admin(roles=("supplier",))
    token = api.token(admin)
    invited = api.post(f"/companies/{admin.company_id}/members", token,
                       json={"email": "New.Hire@example.com", "role": "sales"})
    assert invited.status_code == 201
    assert invited.get_json()["status"] == "invited"
    [mail] = mailbox.to("new.hire@example.com")
    path = link_in(mailbox.body(mail))

    form = {"full_name": "Lee Hsiao-Wen", "password": "welcome-aboard-1",
            "confirm": "welcome-aboard-1", "csrf_token": csrf_token(client, path)}
    joined = client.post(path, data=form, follow_redirects=True)
    assert joined.status_code == 200
    assert "Welcome to" in joined.get_data(as_text=True)

    me = api.get("/me", api.token("new.hire@example.com", "welcome-aboard-1")).get_json()
    assert me["company"]["id"] == admin.company_id and me["role"] == "sales"
    assert client.get(path).status_code == 404  # the link is used up


def test_invitation_accepted_through_the_api(make, mailbox, api):
    admin = make.company_with_admin()
    api.post(f"/companies/{admin.company_id}/members", api.token(admin),
             json={"email": "partner-it@example.com", "role": "viewer"})
    secret = link_in(mailbox.body(mailbox.to("partner-it@example.com")[0])).rsplit("/", 1)[1]
    accepted = api.post("/auth/invitations/accept", json={
        "token": secret, "full_name": "Integration Bot Owner", "password": "long-enough-pw"})
    assert accepted.status_code == 201
    assert accepted.get_json()["role"] == "viewer"
    again = api.post("/auth/invitations/accept", json={
        "token": secret, "full_name": "Someone", "password": "long-enough-pw"})
    assert again.status_code == 404


def test_someone_of_another_company_cannot_be_invited(make, api):
    admin = make.company_with_admin()
    stranger = make.company_with_admin()
    response = api.post(f"/companies/{admin.company_id}/members", api.token(admin),
                        json={"email": stranger.email, "role": "viewer"})
    assert response.status_code == 422
    assert "another company" in response.get_json()["errors"]["email"][0]
