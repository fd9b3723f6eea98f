"""The outbox: messages to the units (duban/notify), one row each, with their attempts and state.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('key', sa.String(400), nullable=False, unique=True),
        sa.Column('unit_id', sa.String(200), nullable=False),
        sa.Column('unit_name', sa.Text(), nullable=False),
        sa.Column('channel', sa.String(20), nullable=False),
        sa.Column('address', sa.Text(), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('last_error', sa.Text(), nullable=False, server_default=''),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('state', sa.String(10), nullable=False, server_default='waiting'),
    )
    op.create_index('ix_outbox_state_due', 'outbox', ['state', 'due_at'])
    op.create_index('ix_outbox_unit_day', 'outbox', ['unit_id', 'day'])


def downgrade() -> None:
    op.drop_table('outbox')
