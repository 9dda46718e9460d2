"""Bad input over the REST channel: a 4xx or a polite reply, never a 5xx, and the server goes on
answering."""

import json
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def post(assistant, body: bytes, content_type="application/json"):
    return requests.post(
        assistant.webhook, data=body, headers={"Content-Type": content_type}, timeout=30
    )


def still_answers(assistant):
    reply = assistant.say(f"ok-{uuid.uuid4().hex[:6]}", "How do I become a project manager?")
    assert reply[-1]["custom"]["faq_id"] == "become_pm"


def as_json(message, sender="bad-input"):
    return json.dumps({"sender": sender, "message": message}).encode()


POLITE = {
    "empty": as_json(""),
    "whitespace only": as_json(" \t\n "),
    "emoji": as_json("🙂🚀📋"),
    "right-to-left": as_json("كيف أصبح مدير مشاريع؟"),
    "control characters": as_json("\x00\x07hello\x1b[31m\x7f"),
    "markup": as_json("<script>alert('x')</script><img src=x onerror=alert(1)>"),
    "SQL injection": as_json("'; DROP TABLE events; --"),
    "template injection": as_json("{{7*7}} ${jndi:ldap://x} %s%n"),
    "a 1 MB message": as_json("project manager " * 65536),
}
REFUSED = {
    "invalid UTF-8": b'{"sender": "x", "message": "\xff\xfe hi"}',
    "malformed JSON": b'{"sender": "x", "message": ',
    "not a JSON object": b"[1, 2, 3]",
    "missing message": json.dumps({"sender": "x"}).encode(),
    "message is a number": json.dumps({"sender": "x", "message": 42}).encode(),
    "message is null": json.dumps({"sender": "x", "message": None}).encode(),
    "message is a list": json.dumps({"sender": "x", "message": ["hi"]}).encode(),
    "sender is an object": json.dumps({"sender": {"id": 1}, "message": "hi"}).encode(),
    "a 10 KB sender id": as_json("hi", sender="s" * 10240),
    "metadata is text": json.dumps({"sender": "x", "message": "hi", "metadata": "x"}).encode(),
}


@pytest.mark.parametrize("case", POLITE)
def test_odd_messages_get_a_polite_reply(assistant, case):
    response = post(assistant, POLITE[case])
    assert response.status_code == 200, response.text
    replies = response.json()
    assert replies and replies[0].get("text"), replies
    kinds = [m["custom"]["type"] for m in replies if "custom" in m]
    assert kinds and kinds[-1] in {
        "fallback",
        "out_of_scope",
        "too_long",
        "smalltalk",
        "clarify",
    }, replies
    # Nothing the user sent comes back: no reply echoes markup.
    assert all("<script" not in (m.get("text") or "") for m in replies)
    still_answers(assistant)


def test_the_length_cap_says_what_it_is(assistant):
    replies = post(assistant, POLITE["a 1 MB message"]).json()
    assert (
        replies[0]["text"]
        == "Sorry, that message is too long for me. Please keep it under 2,000 characters."
    )
    assert replies[-1]["custom"] == {"type": "too_long", "limit": 2000}


@pytest.mark.parametrize("case", REFUSED)
def test_malformed_requests_get_a_400_that_says_why(assistant, case):
    response = post(assistant, REFUSED[case])
    assert response.status_code == 400, response.text
    assert response.json()["message"]
    still_answers(assistant)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
_bodies = st.one_of(
    st.dictionaries(
        st.sampled_from(["sender", "message", "metadata", "input_channel", "stream"]),
        _json_values,
        max_size=5,
    ),
    st.fixed_dictionaries({"sender": st.text(max_size=300), "message": st.text(max_size=3000)}),
    _json_values,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=_bodies)
def test_fuzzed_webhook_bodies_never_get_a_5xx(assistant, body):
    response = post(assistant, json.dumps(body).encode())
    assert response.status_code < 500, (body, response.text)


def test_the_http_api_is_off(assistant):
    # Rasa's HTTP API (--enable-api) would expose trackers and model endpoints: off unless asked
    # for.
    for method, path in (
        ("get", "/conversations/x/tracker"),
        ("post", "/model/parse"),
        ("get", "/status"),
        ("put", "/model"),
    ):
        assert requests.request(method, assistant.url + path, timeout=10).status_code in (
            404,
            405,
        ), path
