"""A company registers in the portal, the operator approves it, its admin finds it active."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

COMPANY = "福爾摩沙閥門 Formosa Valve Works Co."
ADMIN_EMAIL = "mei@formosa-valves.example.com"


def _log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login-form #submit")


def test_registered_company_is_approved_and_its_admin_sees_it_active(
        new_page, make, mailbox, artifacts):
    operator = make.operator()

    # A supplier registers its company, is sent to the login page (the answer is the same
    # whether or not the address had an account), logs in and finds it pending approval.
    applicant = new_page()
    applicant.goto("/register")
    applicant.fill("#company_name", COMPANY)
    applicant.select_option("#country", "TW")
    applicant.check("input[name=roles][value=supplier]")
    applicant.fill("#full_name", "王美華")
    applicant.fill("#email", ADMIN_EMAIL)
    applicant.fill("#password", PASSWORD)
    applicant.fill("#confirm", PASSWORD)
    applicant.click("#register-form #submit")
    applicant.wait_for_url("**/login")
    expect(applicant.get_by_role("alert")).to_contain_text(ADMIN_EMAIL)
    _log_in(applicant, ADMIN_EMAIL)
    applicant.wait_for_url("**/")
    expect(applicant.locator("#pending-banner")).to_contain_text(COMPANY)
    expect(applicant.locator("#company-status")).to_have_text("Pending approval")
    assert mailbox.to(ADMIN_EMAIL), "the confirmation mail was not sent"

    # The operator logs in, lands on the approval queue and approves the company.
    back_office = new_page()
    _log_in(back_office, operator.email)
    back_office.wait_for_url("**/admin/companies?status=pending")
    back_office.goto("/admin/companies?status=pending")
    row = back_office.locator(f'tr[data-company="{COMPANY}"]')
    expect(row).to_contain_text(ADMIN_EMAIL)
    row.get_by_role("button", name="Approve").click()
    expect(back_office.get_by_role("alert")).to_contain_text(f"{COMPANY} is approved.")
    expect(back_office.locator(f'tr[data-company="{COMPANY}"]')).to_have_count(0)

    # The new admin logs in from a fresh browser: the company is active, no banner.
    office = new_page()
    broken = []
    office.on("response", lambda r: r.status >= 400 and broken.append(f"{r.status} {r.url}"))
    office.on("console", lambda m: m.type == "error" and broken.append(m.text))
    _log_in(office, ADMIN_EMAIL)
    office.wait_for_url("**/")
    expect(office.locator("#company-status")).to_have_text("Active")
    expect(office.locator("#pending-banner")).to_have_count(0)
    expect(office.locator("#nav-profile")).to_contain_text("王美華")
    # Bootstrap, served locally, is applied: the navbar is the primary blue, not unstyled.
    navbar_colour = office.locator("nav.navbar").evaluate(
        "el => getComputedStyle(el).backgroundColor")
    assert navbar_colour not in ("rgba(0, 0, 0, 0)", "transparent"), navbar_colour
    assert not broken, broken  # no missing asset, no script or CSP error
    office.screenshot(path=str(artifacts / "register-approve-login-dashboard.png"),
                      full_page=True)
