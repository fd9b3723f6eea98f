"""What each task's state becomes on the days after it stops holding, worked out when it is derived
(`state_ahead`), so that the daily refresh moves the states whose day has come in SQL. A state stored
before has no steps: it is derived on its day, as before, and its steps stored then.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 02:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'state_ahead',
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('tasks.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('day', sa.Date(), primary_key=True),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('status_rank', sa.Integer(), nullable=False),
        sa.Column('colour', sa.String(10), nullable=False),
        sa.Column('colour_rank', sa.Integer(), nullable=False),
        sa.Column('late', sa.String(10), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('state_ahead')
