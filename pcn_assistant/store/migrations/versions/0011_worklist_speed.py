"""The tier 3 worklist at 350,000 people: each assessment carries its person's practice.

``risk_assessment.practice_id`` is a copy of ``patient.practice_id`` (stratification writes
it; the patient import updates it when a person moves practice), indexed with the latest
flag and the tier, so "tier 3 in practice X" reads one practice's rows instead of every
tier 3 person's. No foreign key: adding one on SQLite would rebuild the whole table, and
the worklist still joins the patient for the truth.

Revision ID: 0011_worklist_speed
Revises: 0010_person_record
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_worklist_speed"
down_revision = "0010_person_record"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk_assessment") as batch:
        batch.add_column(sa.Column("practice_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE risk_assessment SET practice_id = "
        "(SELECT patient.practice_id FROM patient WHERE patient.id = risk_assessment.patient_id)"
    )
    op.create_index("ix_risk_assessment_latest_tier_practice", "risk_assessment",
                    ["is_latest", "tier", "practice_id"])


def downgrade() -> None:
    op.drop_index("ix_risk_assessment_latest_tier_practice", table_name="risk_assessment")
    with op.batch_alter_table("risk_assessment") as batch:
        batch.drop_column("practice_id")
