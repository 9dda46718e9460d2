"""Rasa's SQL tracker store, without re-reading the whole conversation on every message.

endpoints.yml names it for SQLite (`make run`); stores.StrictSQLTrackerStore builds on it for
PostgreSQL. It stores exactly what Rasa's SQLTrackerStore stores, in the same table, so a database
written by either can be read by the other. What it changes, each found by profiling the Rasa server
under load:

- Rasa's `retrieve` loads every event of the conversation's session, builds an ORM object for each,
  parses its JSON and replays it into a new tracker; `save` first counts the stored events to find
  the new ones. At turn 200 that is ~1,500 events and ~1 MB of JSON per message: 25% (short
  conversations) to 42% (turn 200) of the server's CPU time. Here the tracker saved last is kept in
  memory (per process, TRACKER_CACHE_SIZE conversations, least recently used dropped) and handed
  back on the next message when the database still holds exactly what was saved: one indexed query
  compares the conversation's number of events, highest id and latest timestamp. Anything else
  (another replica answered in between, the rows were edited, a message failed before its save, a
  new session started) reads the database as Rasa does. The lock store lets one message per
  conversation through at a time, so the check and the use cannot interleave.
- A cache miss reads only the `data` column (no ORM objects); new events go in one multi-row INSERT.
- SQLite: one pooled connection instead of a new one per query, write-ahead logging, and
  `synchronous=NORMAL` (a commit no longer waits for an fsync; a power cut can lose the last commits
  but not corrupt the database).
"""

import collections
import json
import logging
from typing import Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from core.settings import tracker_cache_size

logger = logging.getLogger(__name__)

Stamp = Tuple[int, Optional[int], Optional[float]]


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (
            None,
            "",
            ":memory:",
        ):
            self.engine.dispose()
            self.engine = sa.create_engine(
                self.engine.url,
                poolclass=sa.pool.QueuePool,
                pool_size=1,
                max_overflow=4,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # Built once: building an ORM query per message showed up in the profile (SQLAlchemy cache
        # keys).
        e = self.SQLEvent.__table__.c
        self._stamp_query = sa.select(
            sa.func.count(e.id), sa.func.max(e.id), sa.func.max(e.timestamp)
        ).where(e.sender_id == sa.bindparam("sender_id"))
        self._insert = self.SQLEvent.__table__.insert()
        self.cache_size = (
            0 if self.event_broker else tracker_cache_size()
        )  # a broker diffs against a fresh read
        self._cache: collections.OrderedDict[Text, Tuple[DialogueStateTracker, Stamp, int]] = (
            collections.OrderedDict()
        )

    def _stamp(self, session, sender_id: Text) -> Stamp:
        """What identifies the stored conversation: its number of events, highest id and latest
        timestamp."""
        count, max_id, latest = session.execute(self._stamp_query, {"sender_id": sender_id}).one()
        return int(count), max_id, latest

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        if not self.cache_size:
            return await super().retrieve(sender_id)
        with self.session_scope() as session:
            stamp = self._stamp(session, sender_id)
            cached = self._cache.get(sender_id)
            if cached is not None:
                tracker, saved_stamp, saved_events = cached
                if saved_stamp == stamp and len(tracker.events) == saved_events:
                    self._cache.move_to_end(sender_id)
                    return tracker
                del self._cache[sender_id]
            tracker = self._read(session, sender_id, fetch_events_from_all_sessions=False)
        if tracker is not None:
            self._remember(tracker, stamp)
        return tracker

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            return self._read(session, sender_id, fetch_events_from_all_sessions)

    def _read(
        self, session, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Rasa's `_retrieve`, selecting only the events' JSON."""
        rows = (
            self._event_query(session, sender_id, fetch_events_from_all_sessions)
            .with_entities(self.SQLEvent.data)
            .all()
        )
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(
            sender_id, [json.loads(data) for (data,) in rows], self.domain.slots
        )

    def _remember(self, tracker: DialogueStateTracker, stamp: Stamp) -> None:
        self._cache[tracker.sender_id] = (tracker, stamp, len(tracker.events))
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        cached = self._cache.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            if (
                cached is not None
                and cached[0] is tracker
                and self._stamp(session, tracker.sender_id) == cached[1]
            ):
                new_events = list(tracker.events)[
                    cached[2] :
                ]  # what was added since it was read or saved
            else:
                new_events = list(
                    self._additional_events(session, tracker)
                )  # Rasa's way: count what is stored
            rows = []
            for event in new_events:
                data = event.as_dict()
                rows.append(
                    dict(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            # One multi-row INSERT: the ORM's per-object unit of work was ~5% of the CPU under load.
            if rows:
                session.execute(self._insert, rows)
            session.commit()
            # Rasa reads a conversation from its latest session start on; keep that behaviour by not
            # caching across one.
            if self.cache_size and not any(
                isinstance(event, SessionStarted) for event in new_events
            ):
                self._remember(tracker, self._stamp(session, tracker.sender_id))
