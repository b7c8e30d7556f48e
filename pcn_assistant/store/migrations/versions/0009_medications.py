"""Dated prescriptions for the Cambridge Multimorbidity Score and the eFI polypharmacy
count, the latest date of each coded condition (the CMS counts anxiety and depression
only when coded in the last 12 months, so the first date alone is not enough), and the
eFI that EMIS or SystmOne calculated, when an extract carries it.

Revision ID: 0009_medications
Revises: 0008_list_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_medications"
down_revision = "0008_list_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patient_medication",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("patient_id", sa.Integer(), sa.ForeignKey("patient.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(20), nullable=True),
        sa.Column("bnf_code", sa.String(15), nullable=True),
        sa.Column("drug_group", sa.String(20), nullable=True),
        sa.Column("medicine", sa.String(200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("is_repeat", sa.Boolean(), nullable=True),
    )
    # Covering indexes: stratification counts each person's issues per drug group (seeking
    # past the many issues with no group) and their different repeat medicines from these
    # alone, already in group order (no sort).
    op.create_index("ix_patient_medication_patient", "patient_medication",
                    ["patient_id", "medicine", "is_repeat", "issued_on"])
    op.create_index("ix_patient_medication_group", "patient_medication", ["drug_group", "patient_id", "issued_on"])
    with op.batch_alter_table("patient_condition") as batch:
        batch.add_column(sa.Column("last_recorded_on", sa.Date(), nullable=True))
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("efi_reported", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.drop_column("efi_reported")
    with op.batch_alter_table("patient_condition") as batch:
        batch.drop_column("last_recorded_on")
    op.drop_index("ix_patient_medication_group", table_name="patient_medication")
    op.drop_index("ix_patient_medication_patient", table_name="patient_medication")
    op.drop_table("patient_medication")
