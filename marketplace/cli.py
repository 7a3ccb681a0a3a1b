"""``flask`` commands for operators: demo data, operator accounts, categories, companies."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from marketplace.core.boundary import commit
from marketplace.extensions import db

DEMO_PASSWORD = "Demo-Trade-2026"

# (name, country, roles, members: (email, full name, role, language))
DEMO_COMPANIES = [
    ("臺灣精密扣件股份有限公司 Taiwan Precision Fasteners Co., Ltd.", "TW", ["supplier"], [
        ("chen@tpf.example.com", "陳志明", "admin", "zh_Hant"),
        ("lin@tpf.example.com", "林美玲", "sales", "zh_Hant"),
    ], ["hardware", "hardware.fasteners"]),
    ("Anatolia Home Textiles A.Ş.", "TR", ["supplier"], [
        ("elif@anatolia.example.com", "Elif Yılmaz", "admin", "en"),
        ("murat@anatolia.example.com", "Murat Kaya", "sales", "en"),
    ], ["apparel", "apparel.fabrics", "home"]),
    ("Northwind Retail Inc.", "US", ["buyer"], [
        ("sarah@northwind.example.com", "Sarah Miller", "admin", "en"),
        ("james@northwind.example.com", "James Lee", "purchasing", "en"),
        ("olivia@northwind.example.com", "Olivia Brown", "approver", "en"),
    ], ["home", "hardware"]),
    ("Hanse Import GmbH", "DE", ["buyer"], [
        ("jonas@hanse.example.com", "Jonas Becker", "admin", "en"),
        ("anna@hanse.example.com", "Anna Schmidt", "purchasing", "en"),
    ], ["apparel", "electronics"]),
]
DEMO_OPERATOR = ("operator@marketplace.example.com", "Platform Operator")
# Full addresses, as the shipping papers print them: (street, city, postal code, phone).
DEMO_ADDRESSES = {
    "TW": ("No. 88, Chenggong 2nd Rd., Qianzhen Dist.", "Kaohsiung", "806", "+886 7 536 8800"),
    "TR": ("Organize Sanayi Bölgesi, 4. Cadde No. 12, Honaz", "Denizli", "20330",
           "+90 258 371 5500"),
    "US": ("1200 Commerce Parkway, Suite 400", "Columbus, OH", "43215", "+1 614 555 0142"),
    "DE": ("Großer Burstah 31", "Hamburg", "20457", "+49 40 3179 2200"),
}


def register(app: Flask) -> None:
    for command in (seed_demo, create_operator, install_categories, approve_company):
        app.cli.add_command(command)
    from marketplace.content.search.cli import reindex
    from marketplace.infrastructure.notifications.cli import deliver_webhooks

    app.cli.add_command(reindex)
    app.cli.add_command(deliver_webhooks)
    from marketplace.crm.cli import crm_cli

    app.cli.add_command(crm_cli)
    from marketplace.sourcing.cli import sourcing_cli

    app.cli.add_command(sourcing_cli)
    from marketplace.core.jobs_cli import jobs_cli

    app.cli.add_command(jobs_cli)
    from marketplace.landed_migrations import db_manifest

    app.cli.add_command(db_manifest)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when any company exists already.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo: an operator, two suppliers with their catalogs and two buyers, with
    their members. Refused under production settings: the demo password is published."""
    if current_app.config.get("PRODUCTION"):
        raise click.ClickException("seed-demo refuses to run under production settings: the "
                                   "demo accounts' password is published.")
    from marketplace.content.demo import load_demo_catalog
    from marketplace.infrastructure import operations
    from marketplace.infrastructure.models import (
        Category,
        Company,
        CompanyStatus,
        MemberRole,
        Membership,
        User,
    )

    operations.install_default_categories()
    if if_empty and db.session.scalar(select(func.count()).select_from(Company)):
        commit()
        click.echo("Demo data already present; nothing to do.")
        return
    from marketplace.core.types import utcnow

    if db.session.scalar(select(User).where(User.email == DEMO_OPERATOR[0])) is None:
        operations.create_operator(DEMO_OPERATOR[0], DEMO_PASSWORD, DEMO_OPERATOR[1])
    for name, country, roles, members, category_codes in DEMO_COMPANIES:
        if db.session.scalar(select(Company).where(Company.name == name)) is not None:
            continue
        company = Company(name=name, country=country, status=CompanyStatus.ACTIVE,
                          approved_at=utcnow())
        company.address, company.city, company.postal_code, company.phone = \
            DEMO_ADDRESSES[country]
        company.roles = roles
        company.categories = list(db.session.scalars(
            select(Category).where(Category.code.in_(category_codes))))
        db.session.add(company)
        for email, full_name, role, language in members:
            user = operations.create_user(email, DEMO_PASSWORD, full_name, language)
            user.email_verified_at = utcnow()
            db.session.add(Membership(company=company, user=user, role=MemberRole(role)))
        if company.is_supplier:
            db.session.flush()
            load_demo_catalog(company)
    from marketplace.fulfillment.demo import load_demo_fulfillment
    from marketplace.trading.demo import load_demo_negotiation

    db.session.flush()
    load_demo_negotiation()
    load_demo_fulfillment()
    from marketplace.supplier_link.demo import load_demo_stock_reports, load_demo_trade

    load_demo_stock_reports()
    load_demo_trade()
    from marketplace.crm.demo import load_demo_history

    load_demo_history(DEMO_PASSWORD)  # two years of trade with a dozen buyers, for the analytics
    from marketplace.sourcing.demo import load_demo_sourcing

    load_demo_sourcing(DEMO_PASSWORD)  # sealed rfqs: one opened to compare, one still sealed
    from marketplace.conversations.demo import load_demo_conversation

    load_demo_conversation()  # a question about samples, answered and not read yet
    from marketplace.backoffice.demo import load_demo as load_demo_backoffice
    from marketplace.billing.demo import load_demo as load_demo_billing
    from marketplace.buying_requests.demo import load_demo as load_demo_buying_requests
    from marketplace.service.demo import load_demo as load_demo_service

    load_demo_buying_requests(DEMO_PASSWORD)  # open requests in the demo suppliers' categories
    load_demo_service(DEMO_PASSWORD)  # a complaint run to closure; departments
    load_demo_billing(DEMO_PASSWORD)  # plans; a demo company on a paid one
    load_demo_backoffice(DEMO_PASSWORD)  # reports waiting for moderation
    commit()
    click.echo(f"Demo data loaded. Every demo account's password is {DEMO_PASSWORD}.")


@click.command("create-operator")
@with_appcontext
@click.argument("email")
@click.option("--name", "full_name", default="Platform operator", show_default=True)
def create_operator(email: str, full_name: str) -> None:
    """Create a platform operator. The password comes from MARKETPLACE_OPERATOR_PASSWORD,
    else it is asked for twice; it is never a command-line argument."""
    from marketplace.core.errors import DomainError
    from marketplace.infrastructure import operations

    password = os.environ.get("MARKETPLACE_OPERATOR_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        user = operations.create_operator(email, password, full_name)
    except DomainError as error:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.errors.items())
        raise click.ClickException(messages or error.detail) from error
    commit()
    click.echo(f"Operator {user.email} created.")


@click.command("install-categories")
@with_appcontext
def install_categories() -> None:
    """Add the default business category tree (existing codes are kept)."""
    from marketplace.infrastructure import operations

    added = operations.install_default_categories()
    commit()
    click.echo(f"{added} categories added.")


@click.command("approve-company")
@with_appcontext
@click.argument("company_id", type=int)
def approve_company(company_id: int) -> None:
    """Approve a pending company from the shell."""
    from marketplace.core.errors import DomainError
    from marketplace.infrastructure import operations, queries

    try:
        company = operations.approve_company(queries.company_for_operator(company_id))
    except DomainError as error:
        raise click.ClickException(error.detail) from error
    commit()
    click.echo(f"{company.name} is approved.")
