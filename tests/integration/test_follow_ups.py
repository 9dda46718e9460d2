"""Multi-turn conversations over HTTP: every reply's marker says which entry, role and topic it
answered."""

import json
import sqlite3
import uuid

import pytest

from tests.support.conversations import SCRIPTS, check_turn
from tests.support.replies import marker


@pytest.mark.parametrize("name", SCRIPTS)
def test_multi_turn_conversation(assistant, name):
    sender = f"conv-{uuid.uuid4().hex[:8]}"
    for text, expected in SCRIPTS[name]:
        check_turn(text, marker(assistant.say(sender, text)), expected)


def test_the_comparison_names_both_roles(assistant, kb):
    sender = f"cmp-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "How much do PMO analysts earn?")
    assistant.say(sender, "and scrum masters?")
    reply = assistant.say(sender, "which of them gets paid more?")
    assert marker(reply)["roles"] == ["scrum_master", "pmo"]
    text = reply[0]["text"]
    assert (
        kb.entry("pmo_salary").summary in text and kb.entry("scrum_master_salary").summary in text
    )


def test_start_over_forgets_the_role(assistant):
    sender = f"over-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "How much does a Scrum Master earn?")
    assert marker(assistant.say(sender, "start over"))["type"] == "smalltalk"
    got = marker(assistant.say(sender, "is it stressful?"))
    assert (got["faq_id"], got["role"]) == ("pm_stress", "project_manager")


def _age_conversation(db_path, sender, hours):
    """Moves every event of a conversation `hours` into the past, as if it had been idle."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "SELECT id, timestamp, data FROM events WHERE sender_id = ?", (sender,)
        ).fetchall()
        for row_id, timestamp, data in rows:
            event = json.loads(data)
            event["timestamp"] = event["timestamp"] - hours * 3600
            db.execute(
                "UPDATE events SET timestamp = ?, data = ? WHERE id = ?",
                (timestamp - hours * 3600, json.dumps(event), row_id),
            )
    return len(rows)


def test_a_conversation_idle_past_the_session_expiry_starts_fresh(assistant):
    sender = f"idle-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "How much does a Scrum Master earn?")
    # Within the session the role carries over...
    assert marker(assistant.say(sender, "is it stressful?"))["role"] == "scrum_master"
    # ...but after two idle hours (the session expires after one) the conversation starts again.
    assert _age_conversation(assistant.tracker_db, sender, hours=2) > 0
    got = marker(assistant.say(sender, "is it stressful?"))
    assert (got["faq_id"], got["role"]) == ("pm_stress", "project_manager")
