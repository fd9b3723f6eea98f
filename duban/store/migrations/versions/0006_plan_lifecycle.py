"""A plan's lifecycle: 执行中 until the office marks it 已办结 (finished_on, finished_by).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('documents', sa.Column('finished_on', sa.Date(), nullable=True))
    op.add_column('documents', sa.Column('finished_by', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('finished_by')
        batch.drop_column('finished_on')
