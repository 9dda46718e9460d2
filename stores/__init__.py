"""The tracker store and lock store the scale-out topology names in its endpoints file
(scripts/make_endpoints.py writes `type: stores.StrictSQLTrackerStore` and `type: stores.RedisLockStore`).

Both are Rasa 3.6's own, with what it takes to get through a PostgreSQL or Redis restart under load:

- `StrictSQLTrackerStore`, our SQL tracker store (components/tracker_store.py: Rasa's, keeping the
  conversation saved last in memory while the database still holds exactly that; another replica's write
  shows in that check, so each replica re-reads a conversation the other answered) with
  - `pool_pre_ping`: SQLAlchemy checks a pooled connection before using it, so the first messages after a
    database restart are answered instead of failing on a connection the restart closed;
  - a connect timeout (DB_CONNECT_TIMEOUT, 5 s): the store is synchronous, so a connection attempt that hangs
    (a database host that has gone, packets dropped) would otherwise stall every conversation on the server;
  - no fallback to memory: Rasa wraps every tracker store in a FailSafeTrackerStore that, when the database
    fails, starts the conversation afresh in memory, answers out of context and keeps the message only in
    that process, so the user gets a 200 for a message the database never saw. Here the error reaches the
    channel instead, which tells the user to send the message again (channels/rest.py: a 503).
- `RedisLockStore`, Rasa's, except that failing to release a conversation's lock after the message was
  processed and stored is logged, not raised: the tracker is saved by then, the lock expires by itself
  (Rasa's lock lifetime, 60 s) and a Redis restart has dropped it anyway.

redis-py reconnects by itself: a pooled connection the restart closed is found dead when it is taken from
the pool and is opened again, so the Redis lock store needs nothing else.
"""
import logging
import os
from typing import Any, Callable, Optional, Text

import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore, create_engine_kwargs
from rasa.utils.endpoints import EndpointConfig

from actions.settings import number
from components.tracker_store import PathfinderSQLTrackerStore

logger = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT = 5


def connect_timeout(env=os.environ) -> int:
    return number(env, "DB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT, 1, 300, whole=True)


class StrictSQLTrackerStore(PathfinderSQLTrackerStore):
    """Our SQL tracker store: reconnects after a database restart, never falls back to memory."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # waits for the database and creates the tables, as Rasa's does
        url = self.engine.url
        engine_kwargs = create_engine_kwargs(url.render_as_string(hide_password=False))
        if url.get_backend_name() == "postgresql":
            engine_kwargs.setdefault("connect_args", {})["connect_timeout"] = connect_timeout()
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)


def _raise(error: Exception) -> None:
    raise error


_rasa_create_tracker_store: Callable[[Optional[TrackerStore], Any], TrackerStore] = Agent._create_tracker_store


def _create_tracker_store(store: Optional[TrackerStore], domain: Any) -> TrackerStore:
    """Agent's, except that our store's errors are raised instead of falling back to memory."""
    wrapped = _rasa_create_tracker_store(store, domain)
    if isinstance(store, StrictSQLTrackerStore) and isinstance(wrapped, FailSafeTrackerStore):
        return FailSafeTrackerStore(store, on_tracker_store_error=_raise)
    return wrapped


# This module is imported when the endpoints name the store, before the Rasa server creates its Agent.
Agent._create_tracker_store = staticmethod(_create_tracker_store)


class RedisLockStore(RasaRedisLockStore):
    """Rasa's Redis lock store; a lock that cannot be released after the message was handled is logged."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:  # how Rasa builds a lock store named by module path
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        try:
            super().cleanup(conversation_id, ticket_number)
        except Exception as error:  # Redis down or restarting: the lock expires by itself
            logger.warning("could not release the lock of conversation %r (%s); it expires by itself", conversation_id, error)
