"""批示 followed to the end (the unit's answer, the office's 已落实) and accounts an admin can disable.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 13:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('instructions') as batch:
        batch.add_column(sa.Column('state', sa.String(length=10), nullable=False, server_default='待办理'))
        batch.add_column(sa.Column('answer', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('answered_by', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('closed_by', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('disabled')
    with op.batch_alter_table('instructions') as batch:
        for column in ('closed_at', 'closed_by', 'answered_at', 'answered_by', 'answer', 'state'):
            batch.drop_column(column)
