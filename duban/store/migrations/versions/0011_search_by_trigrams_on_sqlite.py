"""The ledger's word search answered by an index on SQLite too: an FTS5 table with the trigram tokenizer
over the tasks' titles and texts (external content: the text is stored once, in tasks), kept in step by
triggers. A word of three characters or more is looked up there and the few tasks found are checked with
LIKE (store/search.py). PostgreSQL has its character pairs (0010).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:30:00
"""

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TRIGGERS = {
    "tasks_search_insert": "AFTER INSERT ON tasks BEGIN "
    "INSERT INTO task_search (rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "tasks_search_delete": "AFTER DELETE ON tasks BEGIN "
    "INSERT INTO task_search (task_search, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    "tasks_search_update": "AFTER UPDATE OF title, text ON tasks BEGIN "
    "INSERT INTO task_search (task_search, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO task_search (rowid, title, text) VALUES (new.id, new.title, new.text); END",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE task_search USING fts5(title, text, content='tasks', content_rowid='id', "
                   "tokenize='trigram')")
        for name, body in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute("INSERT INTO task_search (task_search) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE task_search")
