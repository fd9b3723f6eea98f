"""A ledger filtered by colour and sorted by status (or filtered by status and sorted by colour) walks one
index and stops at its page: the red tasks of a province sorted by status took 135 ms, the order scanned
past the other colours. These indexes serve the plain colour and status filters too, and replace theirs.
The time limits are indexed by day: the ledger by a range of limits read every limit of a province (95 ms).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 17:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

JUDGED = {f'ix_task_states_{by}_{rank}{way}': (by, rank, way)
          for by, rank in (('colour', 'status_rank'), ('status', 'colour_rank')) for way in ('', '_desc')}
REPLACED = {'ix_task_states_colour': 'colour', 'ix_task_states_status': 'status'}


def upgrade() -> None:
    for name, (by, rank, way) in JUDGED.items():
        op.create_index(name, 'task_states', [by, sa.text(f'{rank} DESC') if way else rank, 'document_id', 'position'])
    for name in REPLACED:
        op.drop_index(name, 'task_states')
    op.create_index('ix_deadlines_due', 'deadlines', ['due', 'task_id'])


def downgrade() -> None:
    op.drop_index('ix_deadlines_due', 'deadlines')
    for name, by in REPLACED.items():
        op.create_index(name, 'task_states', [by, 'task_id'])
    for name in JUDGED:
        op.drop_index(name, 'task_states')
