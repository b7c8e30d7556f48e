"""VCF directory and referrals (issue 6)

Revision ID: 0005_directory
Revises: 0004_caseload
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005_directory"
down_revision = "0004_caseload"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
