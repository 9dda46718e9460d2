"""The tracker store for PostgreSQL (scripts/make_endpoints.py names it): our cached SQL store
(stores/cached_sql.py), made to get through a database restart under load without losing a message.

- `pool_pre_ping`: SQLAlchemy checks a pooled connection before using it, so the first messages
  after a restart are answered instead of failing on a connection the restart closed.
- A connect timeout (DB_CONNECT_TIMEOUT, 5 s): the store is synchronous, so a connection attempt
  that hangs would otherwise stall every conversation on the server.
- No fallback to memory: Rasa wraps every tracker store in a FailSafeTrackerStore that, when the
  database fails, answers out of context from a conversation in memory and keeps the message only in
  that process, so the user gets a 200 for a message the database never saw. The patch
  `raise_tracker_store_errors` (rasa_server/patches.py) lets this store's errors reach the channel
  instead, which tells the user to send the message again (channels/rest.py: a 503).
"""

from typing import Any, Callable, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore, create_engine_kwargs

from core.settings import db_connect_timeout
from rasa_server import patches
from stores.cached_sql import CachedSQLTrackerStore


class StrictSQLTrackerStore(CachedSQLTrackerStore):
    """Reconnects after a database restart, never falls back to memory."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "raise_tracker_store_errors" not in patches.installed():
            raise RuntimeError(
                "stores.StrictSQLTrackerStore needs the patches: start Rasa with `python -m "
                "rasa_server`"
            )
        super().__init__(
            *args, **kwargs
        )  # waits for the database and creates the tables, as Rasa's does
        url = self.engine.url
        engine_kwargs = create_engine_kwargs(url.render_as_string(hide_password=False))
        if url.get_backend_name() == "postgresql":
            engine_kwargs.setdefault("connect_args", {})["connect_timeout"] = db_connect_timeout()
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)


def _raise(error: Exception) -> None:
    raise error


def create_tracker_store(rasa_create: Callable[[Optional[TrackerStore], Any], TrackerStore]):
    """Agent._create_tracker_store, except that this store's errors are raised instead of falling
    back."""

    def create(store: Optional[TrackerStore], domain: Any) -> TrackerStore:
        wrapped = rasa_create(store, domain)
        if isinstance(store, StrictSQLTrackerStore) and isinstance(wrapped, FailSafeTrackerStore):
            return FailSafeTrackerStore(store, on_tracker_store_error=_raise)
        return wrapped

    return create
