"""Sign-in hardening: a password set by someone else must be changed at the first sign-in, and failed
sign-ins are kept as evidence (a success clears them for throttling instead of deleting them).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleared', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_login_failures_address_at', ['address', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_address_at')
        batch_op.drop_column('cleared')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change')
