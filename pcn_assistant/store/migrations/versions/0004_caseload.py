"""caseload (issue 5): episodes, their change log, contacts, care plans, goals, actions,
person flags and tasks.

Revision ID: 0004_caseload
Revises: 0003_risk
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_caseload"
down_revision = "0003_risk"
branch_labels = None
depends_on = None

_OPEN_ONLY = sa.text("status != 'closed'")
# Children first, so downgrade drops them before what they point at.
_TABLES = ("care_plan_action", "episode_contact", "episode_change", "caseload_task",
           "care_plan_goal", "care_plan", "person_flag", "episode")


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def _versioned() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        *_timestamps(),
    ]


def _fk(table: str, column: str, target: str, nullable: bool = False) -> list:
    return [
        sa.Column(column, sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete="CASCADE",
                                name=op.f(f"fk_{table}_{column}_{target}")),
    ]


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "episode",
        sa.Column("id", sa.Integer(), nullable=False),
        *_fk("episode", "patient_id", "patient"),
        sa.Column("coordinator", sa.String(length=100), nullable=False),
        sa.Column("referral_source", sa.String(length=40), nullable=False),
        sa.Column("referral_reasons", sa.JSON(), nullable=False),
        sa.Column("referrer_name", sa.String(length=200), nullable=True),
        sa.Column("referral_note", sa.Text(), nullable=True),
        sa.Column("consent_to_share", sa.Boolean(), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("active_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.String(length=30), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("last_contact_on", sa.Date(), nullable=True),
        sa.Column("contact_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode")),
    )
    _indexes("episode", "closed_on", "last_contact_on", "next_review_on", "patient_id",
             "referred_on", "status")
    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.create_index("ix_episode_coordinator_status", ["coordinator", "status"], unique=False)
        batch_op.create_index("uq_episode_one_open_per_patient", ["patient_id"], unique=True,
                              sqlite_where=_OPEN_ONLY, postgresql_where=_OPEN_ONLY)

    op.create_table(
        "person_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        *_fk("person_flag", "patient_id", "patient"),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_flag")),
    )
    _indexes("person_flag", "patient_id")

    op.create_table(
        "care_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        *_fk("care_plan", "episode_id", "episode"),
        sa.Column("what_matters", sa.Text(), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("agreed_with_person", sa.Boolean(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan")),
        sa.UniqueConstraint("episode_id", name=op.f("uq_care_plan_episode_id")),
    )

    op.create_table(
        "care_plan_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        *_fk("care_plan_goal", "episode_id", "episode"),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("need", sa.String(length=200), nullable=True),
        sa.Column("importance", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("status_on", sa.Date(), nullable=True),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan_goal")),
    )
    _indexes("care_plan_goal", "episode_id", "review_on")

    op.create_table(
        "caseload_task",
        sa.Column("id", sa.Integer(), nullable=False),
        *_fk("caseload_task", "episode_id", "episode", nullable=True),
        sa.Column("assignee", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caseload_task")),
    )
    _indexes("caseload_task", "due_on", "episode_id")
    with op.batch_alter_table("caseload_task", schema=None) as batch_op:
        batch_op.create_index("ix_caseload_task_assignee_due", ["assignee", "due_on"], unique=False)

    op.create_table(
        "episode_change",
        sa.Column("id", sa.Integer(), nullable=False),
        *_fk("episode_change", "episode_id", "episode"),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("what", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_change")),
    )
    _indexes("episode_change", "episode_id")

    op.create_table(
        "episode_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        *_fk("episode_contact", "episode_id", "episode"),
        sa.Column("contact_at", sa.DateTime(), nullable=False),
        sa.Column("contact_type", sa.String(length=20), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_contact")),
    )
    _indexes("episode_contact", "contact_at", "recorded_by")
    with op.batch_alter_table("episode_contact", schema=None) as batch_op:
        batch_op.create_index("ix_episode_contact_episode_when", ["episode_id", "contact_at"], unique=False)

    op.create_table(
        "care_plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        *_fk("care_plan_action", "goal_id", "care_plan_goal"),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        *_versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan_action")),
    )
    _indexes("care_plan_action", "goal_id")


def downgrade() -> None:
    # Dropping a table drops its indexes on SQLite and PostgreSQL alike.
    for table in _TABLES:
        op.drop_table(table)
