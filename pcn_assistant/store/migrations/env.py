"""Alembic environment. Runs from code (``store.migrate``) with a live connection
passed in ``config.attributes["connection"]``; batch mode keeps SQLite ALTERs working."""

from alembic import context

from pcn_assistant.store.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # pragma: no cover - only from the alembic command line
    from pcn_assistant.store.engine import build_engine, resolve_url

    engine = build_engine(resolve_url(config.get_main_option("sqlalchemy.url") or None))
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
