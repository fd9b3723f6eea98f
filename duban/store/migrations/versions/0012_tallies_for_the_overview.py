"""总览 of a province reads tallies instead of counting a million task states: per document and chapter,
per document and lead unit, and over the running plans in all and per lead unit, how many states each
status and colour has (supervise/tallies.py keeps them). Each state now says under which chapter, lead
units and lifecycle it was counted; an index by document gives each plan's latest limit at once. The states stored so far
are dropped with their day: the next refresh (`duban serve` at its start) stores and counts them again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


LISTS = [('ix_task_states_overdue', [sa.text('overdue DESC'), 'document_id', 'position'], 'overdue > 0'),
         ('ix_task_states_soon', ['due', 'document_id', 'position'], 'days_left IS NOT NULL')]


def key(name: str, kind) -> sa.Column:
    return sa.Column(name, kind, primary_key=True)


def upgrade() -> None:
    op.execute('DELETE FROM state_days')
    op.execute('DELETE FROM task_states')
    with op.batch_alter_table('task_states') as t:
        t.add_column(sa.Column('chapter', sa.Text(), nullable=False, server_default=''))
        t.add_column(sa.Column('lead_units', sa.Text(), nullable=False, server_default='[]'))
        t.add_column(sa.Column('running', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_index('ix_task_states_document', 'task_states', ['document_id', 'standing', 'due'])
    for name, columns, where in LISTS:
        op.create_index(name, 'task_states', columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))
    op.create_table('chapter_tallies', key('document_id', sa.Integer()), key('chapter', sa.Text()),
                    key('status', sa.String(10)), key('colour', sa.String(10)), key('late', sa.String(10)),
                    sa.Column('n', sa.Integer(), nullable=False))
    op.create_table('unit_tallies', key('document_id', sa.Integer()), key('unit_id', sa.String(200)),
                    key('status', sa.String(10)), key('colour', sa.String(10)), sa.Column('n', sa.Integer(), nullable=False))
    op.create_table('running_tallies', key('status', sa.String(10)), key('colour', sa.String(10)),
                    key('late', sa.String(10)), sa.Column('n', sa.Integer(), nullable=False))
    op.create_table('running_unit_tallies', key('unit_id', sa.String(200)), key('status', sa.String(10)),
                    key('colour', sa.String(10)), sa.Column('n', sa.Integer(), nullable=False))


def downgrade() -> None:
    for table in ('running_unit_tallies', 'running_tallies', 'unit_tallies', 'chapter_tallies'):
        op.drop_table(table)
    for name, *_ in LISTS:
        op.drop_index(name, 'task_states')
    op.drop_index('ix_task_states_document', 'task_states')
    with op.batch_alter_table('task_states') as t:
        t.drop_column('running')
        t.drop_column('lead_units')
        t.drop_column('chapter')
