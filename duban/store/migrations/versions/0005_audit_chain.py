"""The audit log as evidence: each entry carries its place in the chain (seq), the previous entry's hash
and its own (an HMAC over its content and that hash), and audit_head holds the latest. Entries written
before this revision stay outside the chain (`duban audit verify` counts them).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 22:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy): on SQLite a copied table would lose its append-only triggers
    op.add_column('audit_log', sa.Column('seq', sa.BigInteger(), nullable=True))
    op.add_column('audit_log', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('audit_log', sa.Column('hash', sa.String(length=64), nullable=True))
    op.create_index('ix_audit_log_seq', 'audit_log', ['seq'], unique=True)
    op.create_index('ix_audit_log_actor_at', 'audit_log', ['actor', 'at'], unique=False)
    head = op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    op.drop_table('audit_head')
    op.drop_index('ix_audit_log_actor_at', 'audit_log')
    op.drop_index('ix_audit_log_seq', 'audit_log')
    for column in ('hash', 'prev_hash', 'seq'):
        op.drop_column('audit_log', column)
