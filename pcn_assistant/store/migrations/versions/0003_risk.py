"""risk stratification (issue 4)

Revision ID: 0003_risk
Revises: 0002_import
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0003_risk"
down_revision = "0002_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
