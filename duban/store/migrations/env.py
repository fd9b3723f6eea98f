"""Alembic environment: duban passes its own connection (see duban.store.migrate); no alembic.ini."""

from alembic import context

from duban.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
