"""Tally rows whose count fell to 0 are dropped as they fall (supervise/tallies.py): those kept until now go.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 05:00:00
"""

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = ("chapter_tallies", "unit_tallies", "running_tallies", "running_unit_tallies")


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"DELETE FROM {table} WHERE n = 0")


def downgrade() -> None:
    pass  # a count of 0 reads as no row
