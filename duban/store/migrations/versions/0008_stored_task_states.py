"""Each task's status and warning colour stored, and the days on which all of them were refreshed; an
upload's OCR progress in the database, for several worker processes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 23:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'task_states',
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('tasks.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('status_rank', sa.Integer(), nullable=False),
        sa.Column('colour', sa.String(length=10), nullable=False),
        sa.Column('colour_rank', sa.Integer(), nullable=False),
        sa.Column('due', sa.Date(), nullable=True),
        sa.Column('overdue', sa.Integer(), nullable=False),
        sa.Column('days_left', sa.Integer(), nullable=True),
        sa.Column('standing', sa.Boolean(), nullable=False),
    )
    op.create_index('ix_task_states_colour', 'task_states', ['colour', 'task_id'])
    op.create_index('ix_task_states_status', 'task_states', ['status', 'task_id'])
    op.create_table(
        'state_days',
        sa.Column('day', sa.Date(), primary_key=True),
        sa.Column('at', sa.DateTime(), nullable=False),
    )
    op.create_table(
        'reading_progress',
        sa.Column('ticket', sa.String(length=64), primary_key=True),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('reading_progress')
    op.drop_table('state_days')
    op.drop_index('ix_task_states_status', 'task_states')
    op.drop_index('ix_task_states_colour', 'task_states')
    op.drop_table('task_states')
