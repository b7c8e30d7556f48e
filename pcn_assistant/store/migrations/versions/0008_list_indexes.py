"""Indexes the benchmarks asked for: a practice's list sorted by date of birth, given-name
search, and the latest assessments by tier (tier 3 worklists and the dashboard's reach).
The index on registration status goes: nearly every row has the same value, and without
statistics SQLite's planner chose it over the selective search indexes.

Revision ID: 0008_list_indexes
Revises: 0007_users
"""

from alembic import op

revision = "0008_list_indexes"
down_revision = "0007_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_patient_practice_dob", "patient", ["practice_id", "date_of_birth"])
    op.create_index("ix_patient_given_name_lc", "patient", ["given_name_lc"])
    op.drop_index("ix_patient_registration_status", table_name="patient")
    op.create_index("ix_risk_assessment_latest_tier", "risk_assessment", ["is_latest", "tier"])


def downgrade() -> None:
    op.create_index("ix_patient_registration_status", "patient", ["registration_status"])
    op.drop_index("ix_patient_given_name_lc", table_name="patient")
    op.drop_index("ix_risk_assessment_latest_tier", table_name="risk_assessment")
    op.drop_index("ix_patient_practice_dob", table_name="patient")
