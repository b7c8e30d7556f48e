"""users, roles, audit and concurrency (issue 9)

Revision ID: 0007_users
Revises: 0006_variation
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_users"
down_revision = "0006_variation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
