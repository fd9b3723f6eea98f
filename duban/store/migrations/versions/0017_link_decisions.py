"""The office's confirmed and rejected links between the tasks of two plans (duban/compare), kept by the
documents' series and the tasks' texts like review corrections.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 05:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'link_decisions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('upper_series', sa.String(400), nullable=False),
        sa.Column('upper_text', sa.Text(), nullable=False),
        sa.Column('lower_series', sa.String(400), nullable=False),
        sa.Column('lower_text', sa.Text(), nullable=False),
        sa.Column('decision', sa.String(10), nullable=False),
        sa.Column('by', sa.String(100), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_link_decisions_series', 'link_decisions', ['upper_series', 'lower_series', 'id'])


def downgrade() -> None:
    op.drop_table('link_decisions')
