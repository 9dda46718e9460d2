"""Slack end to end: signed Events API requests to the running servers, answers posted to a local
fake of Slack's Web API (tests/support/chat_fakes.py)."""

import json
import time
import uuid
from urllib.parse import urlencode

from channels.slack import SLACK_RETRY_REASONS, escape
from core.knowledge import article_url
from tests.support.chat_fakes import wait_for

BASE_URL = "https://training.example"
# What our connector may send to chat.postMessage; Rasa's would also post `custom` payloads as
# arguments.
ALLOWED_ARGUMENTS = {"channel", "text", "blocks", "unfurl_links", "thread_ts"}


def new_ids():
    suffix = uuid.uuid4().hex[:8].upper()
    return f"D{suffix}", f"U{suffix}"


def message_event(channel, user, text, ts=None, event_type="message", event_id=None):
    event = {
        "type": event_type,
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts or f"{time.time():.6f}",
    }
    if event_type == "message":
        event["channel_type"] = "im"
    return {
        "type": "event_callback",
        "team_id": "T0TEST",
        "api_app_id": "A0TEST",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "event": event,
        "authorizations": [{"user_id": "U0PATHFINDER", "is_bot": True}],
    }


def body(payload) -> bytes:
    return json.dumps(payload).encode()


def answer_texts(chat, channel):
    return [m.get("text") for m in chat.fakes.slack_messages(channel)]


def wait_for_answer(chat, channel, entry):
    """Waits for an entry's answer and its article links; returns every message in the channel."""
    expected = escape(entry.answer)

    def answered():
        messages = chat.fakes.slack_messages(channel)
        texts = [m.get("text") for m in messages]
        return expected in texts and texts.index(expected) + 1 < len(texts) and messages

    return wait_for(
        answered,
        what=f"the {entry.id} answer in {channel}",
        details=lambda: chat.fakes.slack_messages(channel),
    )


def settle(chat, channel, user, kb):
    """A button payload in the same conversation, answered after anything sent before it."""
    response = chat.post_to_slack(body(message_event(channel, user, "/faq_pm_degree")))
    assert response.status_code == 200
    wait_for_answer(chat, channel, kb.entry("pm_degree"))


def assert_no_custom_payload(messages):
    for message in messages:
        assert (
            set(message) <= ALLOWED_ARGUMENTS
        ), f"unexpected chat.postMessage arguments: {message}"
        assert "faq_answer" not in json.dumps(message)


def test_url_verification_echoes_the_challenge(chat):
    challenge = uuid.uuid4().hex
    response = chat.post_to_slack(
        body({"token": "x", "challenge": challenge, "type": "url_verification"})
    )
    assert response.status_code == 200
    assert response.text == challenge

    unsigned = chat.post_to_slack(
        body({"challenge": challenge, "type": "url_verification"}), secret="wrong-secret"
    )
    assert unsigned.status_code == 400 and challenge not in unsigned.text


def test_a_direct_message_gets_its_answer_and_article_links(chat, kb):
    channel, user = new_ids()
    response = chat.post_to_slack(
        body(message_event(channel, user, "How do I become a project manager with no experience?"))
    )
    assert response.status_code == 200

    entry = kb.entry("become_pm")
    answer, links = wait_for_answer(chat, channel, entry)[:2]
    assert answer["text"] == escape(entry.answer)
    assert links["blocks"] == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "\n".join(
                    ["Related articles:"]
                    + [
                        f"• <{article_url(kb.article(a), BASE_URL)}|{escape(kb.article(a).title)}>"
                        for a in entry.articles
                    ]
                ),
            },
        }
    ]
    posts = [p for p in chat.fakes.slack_posts if p["body"].get("channel") == channel]
    assert {p["authorization"] for p in posts} == {f"Bearer {chat.slack_bot_token}"}

    settle(chat, channel, user, kb)
    assert_no_custom_payload(chat.fakes.slack_messages(channel))


def test_a_button_click_answers_its_question(chat, kb):
    channel, user = new_ids()
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": channel},
        "message": {"ts": f"{time.time():.6f}"},
        "actions": [
            {
                "type": "button",
                "action_id": "choice_0",
                "value": "/faq_pm_salary",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    response = chat.post_to_slack(
        urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    wait_for_answer(chat, channel, kb.entry("pm_salary"))


def test_unsigned_forged_and_stale_requests_are_rejected_and_not_answered(chat, kb):
    channel, user = new_ids()
    question = body(message_event(channel, user, "How much money do project managers earn?"))
    now = int(time.time())
    rejected = [
        chat.post_to_slack(question, secret="not-the-signing-secret"),
        chat.post_to_slack(
            question, timestamp=now - 6 * 60
        ),  # correctly signed, but more than 5 minutes old
        chat.post_to_slack(question, timestamp=now + 6 * 60),
        chat.post_to_slack(
            question, signed_body=question.replace(b"earn", b"make")
        ),  # body changed after signing
        chat.post_to_slack(question, headers={"X-Slack-Signature": ""}),
    ]
    assert [r.status_code for r in rejected] == [400] * len(rejected)

    settle(chat, channel, user, kb)
    assert escape(kb.entry("pm_salary").answer) not in answer_texts(chat, channel)


def test_retries_and_double_deliveries_never_get_a_second_answer(chat, kb):
    channel, user = new_ids()
    event = message_event(channel, user, "How much money do project managers earn?")
    assert chat.post_to_slack(body(event)).status_code == 200
    answer = escape(kb.entry("pm_salary").answer)
    wait_for_answer(chat, channel, kb.entry("pm_salary"))

    # Slack's retries of that event, for every reason it gives, and one it might add some day.
    for number, reason in enumerate(SLACK_RETRY_REASONS + ("a_reason_slack_adds_later",), start=1):
        retry = chat.post_to_slack(
            body(event), headers={"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason}
        )
        assert retry.status_code // 100 == 2, reason
        assert retry.headers.get("X-Slack-No-Retry") == "1", reason
    # The same message again as an app_mention event (Slack sends both when the app is mentioned).
    mention = message_event(
        channel, user, event["event"]["text"], ts=event["event"]["ts"], event_type="app_mention"
    )
    assert chat.post_to_slack(body(mention)).status_code == 200
    # A retry whose first delivery we never saw is not answered either: every reason is in
    # errors_ignore_retry.
    unseen = message_event(channel, user, "Is project manager a stressful job?")
    retry = chat.post_to_slack(
        body(unseen), headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retry.status_code // 100 == 2

    settle(chat, channel, user, kb)
    texts = answer_texts(chat, channel)
    assert texts.count(answer) == 1
    assert escape(kb.entry("pm_stress").answer) not in texts
    assert_no_custom_payload(chat.fakes.slack_messages(channel))
