"""The stores the scale-out endpoints name (stores/__init__.py) and what the REST channel says when one fails.

The restarts themselves are in tests/integration/test_scaleout.py; here, without PostgreSQL or Redis: the
stores are the ones Rasa builds from the endpoints, reconnect-ready, and a failure is raised, not hidden.
"""
import json
import socket
from types import SimpleNamespace

import pytest
import sqlalchemy.exc
from rasa.core.agent import Agent
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import stores
from channels.limits import NOT_TAKEN_TEXT
from channels.rest import RestInput


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sql_store(tmp_path):
    store = TrackerStore.create(EndpointConfig(type="stores.StrictSQLTrackerStore", dialect="sqlite", db=str(tmp_path / "t.db")))
    yield store
    store.engine.dispose()


def test_rasa_builds_our_sql_store_from_its_module_path_with_pre_ping(sql_store):
    # An import error would make Rasa fall back to memory with only a warning: check it is really ours.
    assert isinstance(sql_store, stores.StrictSQLTrackerStore)
    assert sql_store.engine.pool._pre_ping
    assert sql_store.sessionmaker.kw["bind"] is sql_store.engine


def test_connect_timeout_defaults_to_5_seconds_and_refuses_nonsense():
    assert stores.connect_timeout({}) == 5
    assert stores.connect_timeout({"DB_CONNECT_TIMEOUT": "10"}) == 10
    for bad in ("soon", "0", "301", "1.5"):
        with pytest.raises(ValueError, match="DB_CONNECT_TIMEOUT"):
            stores.connect_timeout({"DB_CONNECT_TIMEOUT": bad})


async def test_a_failing_database_is_an_error_not_a_conversation_kept_in_memory(sql_store, monkeypatch):
    wrapped = Agent._create_tracker_store(sql_store, Domain.empty())
    assert isinstance(wrapped, FailSafeTrackerStore)
    tracker = DialogueStateTracker("someone", [])
    await wrapped.save(tracker)

    def down(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(sql_store, "session_scope", down)
    with pytest.raises(sqlalchemy.exc.OperationalError):
        await wrapped.retrieve("someone")
    with pytest.raises(sqlalchemy.exc.OperationalError):
        await wrapped.save(tracker)
    with pytest.raises(sqlalchemy.exc.OperationalError):
        await wrapped.get_or_create_tracker("someone")


async def test_other_stores_keep_rasas_fail_safe_wrapper():
    wrapped = Agent._create_tracker_store(InMemoryTrackerStore(Domain.empty()), Domain.empty())
    assert isinstance(wrapped, FailSafeTrackerStore) and wrapped._on_tracker_store_error is None


async def test_redis_down_an_error_to_take_a_lock_but_not_to_release_one():
    lock_store = LockStore.create(EndpointConfig(url="127.0.0.1", type="stores.RedisLockStore", port=str(closed_port()),
                                                 password="x", key_prefix="pathfinder", socket_timeout=2))
    assert isinstance(lock_store, stores.RedisLockStore)
    assert lock_store.red.connection_pool.connection_kwargs["password"] == "x"
    lock_store.cleanup("someone", 0)  # logged: the message was handled, the lock expires by itself
    with pytest.raises(Exception, match="(?i)connect"):
        async with lock_store.lock("someone"):
            pass


def _route(blueprint, uri):
    return next(route.handler for route in blueprint._future_routes if route.uri == uri)


async def test_rest_a_message_that_could_not_be_handled_gets_503_and_a_polite_retry():
    async def failing(message):
        await message.output_channel.send_text_message(message.sender_id, "an answer the database never stored")
        raise sqlalchemy.exc.OperationalError("INSERT", {}, Exception("connection refused"))

    async def working(message):
        await message.output_channel.send_text_message(message.sender_id, "hello")

    request = SimpleNamespace(json={"sender": "me", "message": "hi"}, args={})
    failed = await _route(RestInput().blueprint(failing), "/webhook")(request)
    assert failed.status == 503 and failed.headers["Retry-After"] == "2"
    assert json.loads(failed.body) == [
        {"recipient_id": "me", "text": NOT_TAKEN_TEXT},
        {"recipient_id": "me", "custom": {"type": "retry"}},
    ]
    answered = await _route(RestInput().blueprint(working), "/webhook")(request)
    assert answered.status == 200 and json.loads(answered.body) == [{"recipient_id": "me", "text": "hello"}]
