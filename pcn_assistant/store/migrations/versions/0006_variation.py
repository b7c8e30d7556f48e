"""variation audits (issue 7)

Revision ID: 0006_variation
Revises: 0005_directory
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_variation"
down_revision = "0005_directory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
