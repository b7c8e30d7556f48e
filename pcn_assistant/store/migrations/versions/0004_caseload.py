"""caseload (issue 5)

Revision ID: 0004_caseload
Revises: 0003_risk
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_caseload"
down_revision = "0003_risk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
