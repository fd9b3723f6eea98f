"""A stored state says how long it holds (`until`), and whether the task is overdue or near its limit
(`late`) instead of the count of working days, which moved every day while nothing else did: the daily
refresh then derives only the tasks whose state may move that day. Each refresh's day says under which
rules it derived (a refresh under others derives every task again). The states stored so far are dropped
with their day and counts: the next refresh (`duban serve` at its start) stores and counts them again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

EMPTIED = ('state_days', 'task_states', 'chapter_tallies', 'unit_tallies', 'running_tallies', 'running_unit_tallies')
COUNTS = {'overdue': ([sa.text('overdue DESC'), 'document_id', 'position'], 'overdue > 0'),
          'soon': (['due', 'document_id', 'position'], 'days_left IS NOT NULL')}


def emptied_and_unlisted() -> None:
    """The states and their counts dropped (the next refresh stores them again), and 总览's lists' indexes."""
    for table in EMPTIED:
        op.execute(f'DELETE FROM {table}')
    for late in COUNTS:
        op.drop_index(f'ix_task_states_{late}', 'task_states')


def upgrade() -> None:
    emptied_and_unlisted()
    with op.batch_alter_table('task_states') as t:
        t.drop_column('overdue')
        t.drop_column('days_left')
        t.add_column(sa.Column('late', sa.String(10), nullable=False, server_default=''))
        t.add_column(sa.Column('until', sa.Date(), nullable=True))
    with op.batch_alter_table('state_days') as t:
        t.add_column(sa.Column('rules', sa.String(64), nullable=False, server_default=''))
    for late in COUNTS:
        where = sa.text(f"late = '{late}'")
        op.create_index(f'ix_task_states_{late}', 'task_states', ['due', 'document_id', 'position'],
                        postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    emptied_and_unlisted()
    with op.batch_alter_table('state_days') as t:
        t.drop_column('rules')
    with op.batch_alter_table('task_states') as t:
        t.drop_column('until')
        t.drop_column('late')
        t.add_column(sa.Column('overdue', sa.Integer(), nullable=False))
        t.add_column(sa.Column('days_left', sa.Integer(), nullable=True))
    for late, (columns, where) in COUNTS.items():
        op.create_index(f'ix_task_states_{late}', 'task_states', columns,
                        postgresql_where=sa.text(where), sqlite_where=sa.text(where))
