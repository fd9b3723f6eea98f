"""The ledger's word search answered by an index on PostgreSQL: every pair of neighbouring characters of a
task's title and text (`duban_bigrams`), in a GIN index; a searched word's pairs find the few tasks to
check with LIKE instead of scanning every task (store/search.py). SQLite keeps the scan.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 03:30:00
"""

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

BIGRAMS = """
CREATE FUNCTION duban_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') FROM generate_series(1, length(t) - 1) AS i
$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(BIGRAMS)
        op.execute("CREATE INDEX ix_tasks_bigrams ON tasks USING gin (duban_bigrams(title || ' ' || text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX ix_tasks_bigrams')
        op.execute('DROP FUNCTION duban_bigrams(text)')
