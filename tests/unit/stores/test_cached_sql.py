"""stores/cached_sql.py: Rasa's SQL tracker store that keeps the conversation saved last in memory,
and reads the database again whenever that copy may be out of date."""

import json
import sqlite3

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from stores.cached_sql import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  role:
    type: text
    mappings: [{type: custom}]
""")


def store(path, **kwargs):
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path), **kwargs)


async def say(tracker_store, sender, text, role=None):
    tracker = await tracker_store.get_or_create_tracker(sender)
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_answer_faq"))
    if role:
        tracker.update(SlotSet("role", role))
    tracker.update(ActionExecuted("action_listen"))
    await tracker_store.save(tracker)
    return tracker


async def rasas_view(path, sender):
    """The conversation as Rasa's own SQL tracker store reads it from the same database."""
    return await SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path)).retrieve(sender)


async def test_stores_what_rasas_store_stores_and_hands_back_the_saved_tracker(tmp_path):
    ours = store(tmp_path / "t.db")
    first = await say(ours, "u", "hello")
    await say(ours, "u", "again")
    second = await say(ours, "u", "and again", role="pmo")
    assert await ours.retrieve("u") is second  # no database read: the same object
    rasa = await rasas_view(tmp_path / "t.db", "u")
    assert [e.as_dict() for e in rasa.events] == [e.as_dict() for e in second.events]
    assert rasa.get_slot("role") == "pmo" and first is second
    with sqlite3.connect(tmp_path / "t.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = 'u'").fetchone()[0] == len(
            second.events
        )


async def test_reads_again_when_another_server_wrote_or_the_rows_changed(tmp_path):
    ours, other = store(tmp_path / "t.db"), store(tmp_path / "t.db")
    for text in ("one", "two"):
        await say(ours, "u", text)
    cached = await ours.retrieve("u")
    await say(
        other, "u", "three", role="scrum_master"
    )  # the other replica answers the next message
    fresh = await ours.retrieve("u")
    assert (
        fresh is not cached
        and fresh.get_slot("role") == "scrum_master"
        and fresh.latest_message.text == "three"
    )
    # rows edited under it (tests/integration/test_follow_ups.py ages a conversation like this)
    with sqlite3.connect(tmp_path / "t.db") as db:
        for row_id, data in db.execute(
            "SELECT id, data FROM events WHERE sender_id = 'u'"
        ).fetchall():
            event = json.loads(data)
            event["timestamp"] -= 7200
            db.execute(
                "UPDATE events SET timestamp = timestamp - 7200, data = ? WHERE id = ?",
                (json.dumps(event), row_id),
            )
    aged = await ours.retrieve("u")
    assert aged is not fresh and aged.events[-1].timestamp == pytest.approx(
        fresh.events[-1].timestamp - 7200
    )


async def test_a_tracker_changed_but_not_saved_is_not_handed_back(tmp_path):
    ours = store(tmp_path / "t.db")
    for text in ("one", "two"):
        tracker = await say(ours, "u", text)
    tracker.update(UserUttered("lost: the server failed before saving"))
    again = await ours.retrieve("u")
    assert again is not tracker and again.latest_message.text == "two"
    await say(ours, "u", "three")
    assert [
        e.text
        for e in (await rasas_view(tmp_path / "t.db", "u")).events
        if isinstance(e, UserUttered)
    ] == ["one", "two", "three"]


async def test_a_new_session_is_read_as_rasa_reads_it(tmp_path):
    ours = store(tmp_path / "t.db")
    for text in ("one", "two"):
        tracker = await say(ours, "u", text, role="pmo")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    await ours.save(tracker)
    mine = await ours.retrieve("u")
    rasa = await rasas_view(tmp_path / "t.db", "u")
    assert mine is not tracker and [e.as_dict() for e in mine.events] == [
        e.as_dict() for e in rasa.events
    ]
    assert mine.get_slot("role") is None


async def test_the_cache_is_bounded_and_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_CACHE_SIZE", "2")
    ours = store(tmp_path / "t.db")
    for sender in ("a", "b", "c"):
        for text in ("one", "two"):
            await say(ours, sender, text)
    assert list(ours._cache) == ["b", "c"]
    monkeypatch.setenv("TRACKER_CACHE_SIZE", "0")
    off = store(tmp_path / "t.db")
    await say(off, "a", "three")
    assert not off._cache and (await off.retrieve("a")).latest_message.text == "three"
