"""risk stratification (issue 4): stratification runs and assessments kept over time

Revision ID: 0003_risk
Revises: 0002_import
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_risk"
down_revision = "0002_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("model_id", sa.String(length=40), nullable=False),
        sa.Column("model_version", sa.String(length=20), nullable=False),
        sa.Column("tier3_percent", sa.String(length=10), nullable=False),
        sa.Column("tier2_percent", sa.String(length=10), nullable=False),
        sa.Column("assessed", sa.Integer(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("tier1", sa.Integer(), nullable=False),
        sa.Column("tier2", sa.Integer(), nullable=False),
        sa.Column("tier3", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_run")),
    )
    op.create_table(
        "risk_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("model_id", sa.String(length=40), nullable=False),
        sa.Column("model_version", sa.String(length=20), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("previous_points", sa.Integer(), nullable=True),
        sa.Column("pts_frailty", sa.Integer(), nullable=False),
        sa.Column("pts_multimorbidity", sa.Integer(), nullable=False),
        sa.Column("pts_admissions", sa.Integer(), nullable=False),
        sa.Column("pts_ae", sa.Integer(), nullable=False),
        sa.Column("pts_polypharmacy", sa.Integer(), nullable=False),
        sa.Column("pts_age", sa.Integer(), nullable=False),
        sa.Column("pts_deprivation", sa.Integer(), nullable=False),
        sa.Column("pts_social", sa.Integer(), nullable=False),
        sa.Column("efi_deficits", sa.Integer(), nullable=True),
        sa.Column("efi_score", sa.Float(), nullable=True),
        sa.Column("efi_category", sa.String(length=10), nullable=True),
        sa.Column("efi_deficit_mask", sa.BigInteger(), nullable=True),
        sa.Column("frailty_level", sa.String(length=10), nullable=True),
        sa.Column("cms_score", sa.Float(), nullable=True),
        sa.Column("cms_condition_mask", sa.Integer(), nullable=True),
        sa.Column("emergency_admissions", sa.Integer(), nullable=True),
        sa.Column("ae_attendances", sa.Integer(), nullable=True),
        sa.Column("medication_count", sa.Integer(), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("pinned_reason", sa.String(length=200), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("rank_key", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.BigInteger(), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"], ondelete="CASCADE",
                                name=op.f("fk_risk_assessment_patient_id_patient")),
        sa.ForeignKeyConstraint(["run_id"], ["risk_run.id"], ondelete="CASCADE",
                                name=op.f("fk_risk_assessment_run_id_risk_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessment")),
    )
    with op.batch_alter_table("risk_assessment", schema=None) as batch_op:
        batch_op.create_index("ix_risk_assessment_latest_rank", ["is_latest", "rank_key"], unique=False)
        batch_op.create_index("ix_risk_assessment_patient_latest", ["patient_id", "is_latest"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_assessment_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessment_run_id"))
        batch_op.drop_index("ix_risk_assessment_patient_latest")
        batch_op.drop_index("ix_risk_assessment_latest_rank")
    op.drop_table("risk_assessment")
    op.drop_table("risk_run")
