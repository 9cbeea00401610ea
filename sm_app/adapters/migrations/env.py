"""Alembic environment: runs migrations with a synchronous engine on the configured URL."""

from alembic import context
from sqlalchemy import create_engine, event, pool

from sm_app.adapters.db import sqlite_pragmas, sync_url
from sm_app.adapters.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = sync_url(config.get_main_option("sqlalchemy.url"))
    engine = create_engine(url, poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda conn, _rec: sqlite_pragmas(conn))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=engine.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
