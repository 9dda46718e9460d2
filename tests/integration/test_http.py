"""End to end over HTTP: both servers started by scripts/run.sh, real questions on the REST
channel."""

import sqlite3
import uuid

import pytest
import requests

from core.knowledge import article_url

BASE_URL = "https://training.example"


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def kinds(messages):
    return [m["custom"]["type"] for m in messages if "custom" in m]


def assert_answer(messages, kb, faq_id):
    """The answer text, then the related articles as link buttons, then the faq_answer marker."""
    entry = kb.entry(faq_id)
    texts = [m.get("text") for m in messages]
    assert entry.answer in texts, f"expected the {faq_id} answer, got {messages}"
    links = next(m["buttons"] for m in messages if m.get("text") == "Related articles:")
    assert [(b["title"], b["url"]) for b in links] == [
        (kb.article(a).title, article_url(kb.article(a), BASE_URL)) for a in entry.articles
    ]
    assert messages[-1]["custom"] == {
        "type": "faq_answer",
        "faq_id": faq_id,
        "role": entry.role,
        "topic": entry.topic,
        "articles": list(entry.articles),
    }


@pytest.mark.parametrize(
    "question, faq_id",
    [
        ("How do I become a project manager with no experience?", "become_pm"),
        ("How much money do project managers earn?", "pm_salary"),
        ("What is the difference between a PMO and a project manager?", "pmo_vs_pm"),
        ("Is a Scrum Master just a project manager?", "scrum_master_vs_pm"),
        ("How to become a chartered project manager?", "chartered_project_professional"),
    ],
)
def test_page_questions_get_their_answer(assistant, kb, question, faq_id):
    assert_answer(assistant.say(new_sender(), question), kb, faq_id)


def test_a_suggestion_button_payload_answers_its_question(assistant, kb):
    assert_answer(assistant.say(new_sender(), "/faq_pm_degree"), kb, "pm_degree")


def test_something_else_invites_rephrasing(assistant):
    messages = assistant.say(new_sender(), "/something_else")
    assert kinds(messages) == ["fallback"]
    assert "other words" in messages[0]["text"]


@pytest.mark.parametrize(
    "message, kind",
    [
        ("hello", "smalltalk"),
        ("thanks!", "smalltalk"),
        ("are you a bot?", "smalltalk"),
        ("what can you do?", "smalltalk"),
        ("how do I become a product manager?", "out_of_scope"),
        ("what's the weather in Leeds tomorrow?", "out_of_scope"),
    ],
)
def test_other_messages_say_what_they_are(assistant, message, kind):
    messages = assistant.say(new_sender(), message)
    assert kinds(messages) == [kind]
    assert messages[0]["text"]


@pytest.mark.parametrize("message", ["asdfgh qwerty zxcv", "?", "🙂🙂🙂", "   ", "a" * 2000])
def test_odd_input_gets_a_reply_but_never_a_made_up_answer(assistant, message):
    messages = assistant.say(new_sender(), message)
    assert messages, "no reply at all"
    assert "faq_answer" not in kinds(messages)


def test_start_over_replies_and_forgets(assistant):
    sender = new_sender()
    assistant.say(sender, "Are project managers well paid?")
    messages = assistant.say(sender, "start over")
    assert kinds(messages) == ["smalltalk"]
    assert "start again" in messages[0]["text"]


def test_conversations_are_kept_in_the_tracker_store(assistant, kb):
    sender = new_sender()
    assert_answer(assistant.say(sender, "Is project manager a stressful job?"), kb, "pm_stress")
    with sqlite3.connect(assistant.tracker_db) as db:
        types = [
            row[0]
            for row in db.execute(
                "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            )
        ]
    assert "user" in types and "bot" in types and "slot" in types


def test_malformed_requests_get_a_4xx(assistant):
    url = f"{assistant.url}/webhooks/rest/webhook"
    assert (
        requests.post(
            url, data=b"{not json", headers={"Content-Type": "application/json"}, timeout=10
        ).status_code
        // 100
        == 4
    )
