"""Each stored task state carries its task's document and position, indexed with the status and colour
ranks, so that a province's ledger sorted by status or colour walks an index instead of sorting a million
rows. The states stored so far are no longer trusted: the next refresh (`duban serve` at its start) fills them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# ascending and descending ranks, ties in document order either way
ORDERED = {f'ix_task_states_{rank}{way}': (rank, way) for rank in ('status_rank', 'colour_rank') for way in ('', '_desc')}


def upgrade() -> None:
    with op.batch_alter_table('task_states') as t:
        t.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        t.add_column(sa.Column('position', sa.Integer(), nullable=True))
    for name, (rank, way) in ORDERED.items():
        op.create_index(name, 'task_states', [sa.text(f'{rank} DESC') if way else rank, 'document_id', 'position'])
    op.execute('DELETE FROM state_days')


def downgrade() -> None:
    for name in ORDERED:
        op.drop_index(name, 'task_states')
    with op.batch_alter_table('task_states') as t:
        t.drop_column('position')
        t.drop_column('document_id')
