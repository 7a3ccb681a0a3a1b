"""service cases and departments

``departments`` and ``department_members`` (infrastructure's): a company's departments,
their head and members. ``documents.department_id``: the department's shared box a
dispatch rule routed an incoming document to; ``document_dispatch_rules.department_id``
(a rule routes to a department); ``document_approval_steps.department_id`` and
``document_approvals.department_id`` (a step the department's head decides).
``service_cases`` and ``service_case_messages`` (the service module's).

Revision ID: w3servicecases
Revises: w3pgsearch
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3servicecases"
down_revision = "w3pgsearch"
branch_labels = None
depends_on = None

UTC = marketplace.core.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("head_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["head_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "name"),
    )
    op.create_index("ix_departments_company_id", "departments", ["company_id"])
    op.create_table(
        "department_members",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("department_id", "user_id"),
    )
    op.create_index("ix_department_members_user_id", "department_members", ["user_id"])
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_documents_department_id", ["department_id"])
        batch_op.create_foreign_key("fk_documents_department_id", "departments",
                                    ["department_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("document_dispatch_rules") as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_document_dispatch_rules_department_id", "departments",
                                    ["department_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("document_approval_steps") as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_document_approval_steps_department_id", "departments",
                                    ["department_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("document_approvals") as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_document_approvals_department_id", "departments",
                                    ["department_id"], ["id"], ondelete="SET NULL")
    op.create_table(
        "service_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("counterparty_company_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response_due_at", UTC, nullable=False),
        sa.Column("resolution_due_at", UTC, nullable=False),
        sa.Column("first_response_at", UTC, nullable=True),
        sa.Column("resolved_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("last_message_at", UTC, nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("solved_at_first_answer", sa.Boolean(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["counterparty_company_id"], ["companies.id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("company_id", "counterparty_company_id", "department_id", "document_id",
                   "order_id", "status"):
        op.create_index(f"ix_service_cases_{column}", "service_cases", [column])
    op.create_table(
        "service_case_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["service_cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_service_case_messages_case_id", "service_case_messages", ["case_id"])


def downgrade():
    op.drop_table("service_case_messages")
    op.drop_table("service_cases")
    for table in ("document_approvals", "document_approval_steps", "document_dispatch_rules",
                  "documents"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_department_id", type_="foreignkey")
            if table == "documents":
                batch_op.drop_index("ix_documents_department_id")
            batch_op.drop_column("department_id")
    op.drop_table("department_members")
    op.drop_table("departments")
