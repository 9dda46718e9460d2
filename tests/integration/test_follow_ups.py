"""Multi-turn conversations over HTTP: every reply's marker says which entry, role and topic it answered."""
import json
import sqlite3
import uuid

import pytest


def marker(messages):
    customs = [m["custom"] for m in messages if "custom" in m]
    assert len(customs) == 1, messages
    return customs[0]


# Each turn: what the user says, then what the reply must be about: (type, faq_id, role, topic).
CONVERSATIONS = {
    "role switch, comparison, topic switch, place switch": [
        ("How much does a project manager earn?", ("faq_answer", "pm_salary", "project_manager", "salary")),
        ("what about programme managers?", ("faq_answer", "programme_manager_salary", "programme_manager", "salary")),
        ("which one pays more?", ("comparison", None, None, "salary")),
        ("is it stressful?", ("faq_answer", "programme_manager_stress", "programme_manager", "stress")),
        ("and in the UK?", ("faq_answer", "programme_manager_stress", "programme_manager", "stress")),
        ("why?", ("sources", "programme_manager_stress", "programme_manager", "stress")),
    ],
    "several roles in a row, then a degree and how long": [
        ("What does a project manager do?", ("faq_answer", "pm_job_description", "project_manager", "job_description")),
        ("and for a PMO analyst?", ("faq_answer", "pmo_job_description", "pmo", "job_description")),
        ("same for scrum masters?", ("faq_answer", "scrum_master_job_description", "scrum_master", "job_description")),
        ("do I need a degree for that?", ("faq_answer", "scrum_master_degree", "scrum_master", "degree")),
        ("how long does that take?", ("faq_answer", "time_to_become_scrum_master", "scrum_master", "time_to_qualify")),
        ("any articles on that?", ("articles", "time_to_become_scrum_master", "scrum_master", "time_to_qualify")),
    ],
    "no answer for the combination, then a place we do not cover": [
        ("Am I too old to become a project manager?", ("faq_answer", "pm_age", "project_manager", "age")),
        ("and for change managers?", ("no_answer", None, "change_manager", "age")),
        ("what about in the US?", ("no_answer", None, "change_manager", "age")),
    ],
    "a follow-up first, then a chosen question and more": [
        ("what about PMO?", ("choose_question", None, "pmo", None)),
        ("/faq_pm_salary{\"role\": \"pmo\"}", ("faq_answer", "pmo_salary", "pmo", "salary")),
        ("tell me more", ("more", "pmo_salary", "pmo", "salary")),
    ],
}


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_multi_turn_conversation(assistant, name):
    sender = f"conv-{uuid.uuid4().hex[:8]}"
    for text, (kind, faq_id, role, topic) in CONVERSATIONS[name]:
        got = marker(assistant.say(sender, text))
        assert got["type"] == kind, (text, got)
        for key, value in (("faq_id", faq_id), ("role", role), ("topic", topic)):
            if value is not None:
                assert got.get(key) == value, (text, key, got)
        if kind == "no_answer":
            # Never another role's answer passed off: what is offered is for the role asked about.
            assert got["role"] == role


def test_the_comparison_names_both_roles(assistant, kb):
    sender = f"cmp-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "How much do PMO analysts earn?")
    assistant.say(sender, "and scrum masters?")
    reply = assistant.say(sender, "which of them gets paid more?")
    assert marker(reply)["roles"] == ["scrum_master", "pmo"]
    text = reply[0]["text"]
    assert kb.entry("pmo_salary").summary in text and kb.entry("scrum_master_salary").summary in text


def test_start_over_forgets_the_role(assistant):
    sender = f"over-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "How much does a Scrum Master earn?")
    assert marker(assistant.say(sender, "start over"))["type"] == "smalltalk"
    got = marker(assistant.say(sender, "is it stressful?"))
    assert (got["faq_id"], got["role"]) == ("pm_stress", "project_manager")


def _age_conversation(db_path, sender, hours):
    """Moves every event of a conversation `hours` into the past, as if it had been idle."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT id, timestamp, data FROM events WHERE sender_id = ?", (sender,)).fetchall()
        for row_id, timestamp, data in rows:
            event = json.loads(data)
            event["timestamp"] = event["timestamp"] - hours * 3600
            db.execute("UPDATE events SET timestamp = ?, data = ? WHERE id = ?", (timestamp - hours * 3600, json.dumps(event), row_id))
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
