"""Alembic's environment: the service hands over its connection (database.migrate)."""

from alembic import context

from validator.web.models import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True)  # SQLite alters a table by copying it
with context.begin_transaction():
    context.run_migrations()
