"""stores/strict_sql.py, the PostgreSQL tracker store, without PostgreSQL: Rasa builds it from its
module path, reconnect-ready, and a database failure is raised, not hidden behind a conversation in
memory. (The restarts themselves are in tests/integration/test_scaleout.py.)"""

import pytest
import sqlalchemy.exc
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from stores.strict_sql import StrictSQLTrackerStore


@pytest.fixture
def sql_store(tmp_path):
    config = EndpointConfig(
        type="stores.strict_sql.StrictSQLTrackerStore", dialect="sqlite", db=str(tmp_path / "t.db")
    )
    store = TrackerStore.create(config)
    yield store
    store.engine.dispose()


def test_rasa_builds_our_sql_store_from_its_module_path_with_pre_ping(sql_store):
    # An import error would make Rasa fall back to memory with only a warning: check it is really
    # ours.
    assert isinstance(sql_store, StrictSQLTrackerStore)
    assert sql_store.engine.pool._pre_ping
    assert sql_store.sessionmaker.kw["bind"] is sql_store.engine


async def test_a_failing_database_is_an_error_not_a_conversation_kept_in_memory(
    sql_store, monkeypatch
):
    wrapped = Agent._create_tracker_store(sql_store, Domain.empty())
    assert isinstance(wrapped, FailSafeTrackerStore)
    tracker = DialogueStateTracker("someone", [])
    await wrapped.save(tracker)

    def down(*args, **kwargs):
        raise sqlalchemy.exc.OperationalError(
            "SELECT 1", {}, Exception("server closed the connection unexpectedly")
        )

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
