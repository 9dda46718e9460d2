"""The website side, end to end: the demo page's server, CORS on HTTP and socket.io, and a
conversation over socket.io as the widget has it (python-socketio's client), all against the servers
scripts/run.sh started."""

import asyncio
import contextlib
import json
import sqlite3
import uuid

import pytest
import requests
import socketio

from core.knowledge import article_url
from core.settings import PROJECT_ROOT as ROOT

BASE_URL = "https://training.example"
OTHER_ORIGIN = "https://elsewhere.example"
REPLY_TIMEOUT = 20


def test_the_page_is_served_with_the_widget_from_node_modules(assistant):
    page = requests.get(assistant.web_url + "/", timeout=10)
    assert page.status_code == 200
    assert '<script src="/vendor/rasa-webchat.js"></script>' in page.text

    widget = requests.get(assistant.web_url + "/vendor/rasa-webchat.js", timeout=10)
    bundle = (ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js").read_bytes()
    assert widget.status_code == 200 and widget.headers["Content-Type"].startswith(
        "text/javascript"
    )
    assert b"fonts.googleapis.com" in bundle and b"fonts.googleapis.com" not in widget.content
    assert len(widget.content) > 0.99 * len(bundle)


def test_the_page_connects_to_this_rasa_server(assistant):
    config = requests.get(assistant.web_url + "/config.js", timeout=10)
    assert config.text == f'window.PATHFINDER_CHAT = {{"socketUrl": "{assistant.url}"}};\n'


def allowed_origin(header):
    return header.get("Access-Control-Allow-Origin")


@pytest.mark.parametrize(
    "method, path, headers",
    [
        ("GET", "/", {}),
        (
            "OPTIONS",
            "/webhooks/rest/webhook",
            {
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        ),
        ("GET", "/socket.io/?EIO=4&transport=polling", {}),  # the widget's first socket.io request
    ],
)
def test_cors_allows_the_page_origin_only(assistant, method, path, headers):
    def response(origin):
        return requests.request(
            method, assistant.url + path, headers={"Origin": origin, **headers}, timeout=10
        )

    # One value, the page's origin (a second CORS layer would add a second one and browsers would
    # refuse both).
    assert allowed_origin(response(assistant.web_url).headers) == assistant.web_url
    assert allowed_origin(response(OTHER_ORIGIN).headers) is None


class WebChat:
    """A socket.io conversation the way rasa-webchat has it: session_request, then user_uttered with
    the session id."""

    def __init__(self, url, origin, session_id):
        self.url, self.origin, self.session_id = url, origin, session_id
        self.client = socketio.AsyncClient()
        self.received = asyncio.Queue()
        self.client.on("bot_uttered", self.received.put)

    async def connect(self):
        confirmed = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", confirmed.set_result)
        # Long-polling: python-engineio's websocket client needs a newer aiohttp than Rasa 3.6
        # allows.
        await self.client.connect(
            self.url, headers={"Origin": self.origin}, transports=["polling"], wait_timeout=10
        )
        await self.client.emit("session_request", {"session_id": self.session_id})
        assert await asyncio.wait_for(confirmed, REPLY_TIMEOUT) == self.session_id

    async def say(self, text, replies):
        """Send `text` and return the next `replies` messages."""
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        return [await asyncio.wait_for(self.received.get(), REPLY_TIMEOUT) for _ in range(replies)]


@contextlib.asynccontextmanager
async def web_chat(assistant, session_id):
    chat = WebChat(assistant.url, assistant.web_url, session_id)
    await chat.connect()
    try:
        yield chat
    finally:
        # As a closed tab: a graceful disconnect over long-polling waits for the server's next ping
        # (25 s).
        await chat.client.eio.disconnect(abort=True)


@pytest.mark.parametrize("origin, connects", [("page", True), (OTHER_ORIGIN, False), (None, True)])
def test_socketio_connects_browsers_from_the_page_origin_only(assistant, origin, connects):
    """Socket.IO's handshake by hand (Engine.IO 4 long-polling), as a browser on `origin` would do
    it."""
    headers = {"Origin": assistant.web_url if origin == "page" else origin} if origin else {}
    url = assistant.url + "/socket.io/?EIO=4&transport=polling"
    handshake = requests.get(url, headers=headers, timeout=10)
    url += "&sid=" + json.loads(handshake.text[1:])["sid"]
    requests.post(
        url, data="40", headers=headers, timeout=10
    ).raise_for_status()  # connect to namespace "/"
    reply = requests.get(url, headers=headers, timeout=10).text
    assert reply.startswith("40" if connects else "44"), reply  # 40: connected, 44: refused


async def test_an_answer_over_socketio_has_text_and_links_but_no_marker(assistant, kb):
    entry = kb.entry("become_pm")
    links = [
        {
            "title": kb.article(a).title,
            "type": "web_url",
            "url": article_url(kb.article(a), BASE_URL),
        }
        for a in entry.articles
    ]
    async with web_chat(assistant, uuid.uuid4().hex) as chat:
        answer = await chat.say("How do I become a project manager with no experience?", replies=2)
        assert answer == [{"text": entry.answer}, {"text": "Related articles:", "buttons": links}]
        # The next reply comes straight after: the answer's custom marker was not sent in between.
        [greeting] = await chat.say("hello", replies=1)
        assert list(greeting) == ["text"] and "Pathfinder" in greeting["text"]
        assert chat.received.empty()


async def test_a_reconnected_session_goes_on_with_the_same_conversation(assistant, kb):
    session_id = uuid.uuid4().hex
    async with web_chat(assistant, session_id) as chat:
        await chat.say("How much money do project managers earn?", replies=2)
    # As after a page reload: a new socket, the same session id.
    async with web_chat(assistant, session_id) as chat:
        [answer, _] = await chat.say("Is project manager a stressful job?", replies=2)
        assert answer == {"text": kb.entry("pm_stress").answer}
    with sqlite3.connect(assistant.tracker_db) as db:
        texts = [
            row[0]
            for row in db.execute(
                "SELECT json_extract(data, '$.text') FROM events WHERE sender_id = ? AND type_name "
                "= 'user' ORDER BY id",
                (session_id,),
            )
        ]
    assert texts == [
        "How much money do project managers earn?",
        "Is project manager a stressful job?",
    ]


async def _emit_raw(chat, payload):
    await chat.client.emit("user_uttered", payload)
    return await asyncio.wait_for(chat.received.get(), REPLY_TIMEOUT)


async def test_bad_input_over_socketio_gets_a_polite_reply_and_the_chat_goes_on(assistant):
    session_id = uuid.uuid4().hex
    async with web_chat(assistant, session_id) as chat:
        unreadable = "Sorry, I couldn't read that message. Please send it as plain text."
        for payload in (
            "just a string",
            {"message": 42, "session_id": session_id},
            {"message": ["x"], "session_id": session_id},
            {"message": "hi", "session_id": "s" * 10240},
            {"message": "hi"},
        ):
            assert (await _emit_raw(chat, payload))["text"] == unreadable, payload
        too_long = await _emit_raw(
            chat, {"message": "project manager " * 6000, "session_id": session_id}
        )  # ~100 KB
        assert (
            too_long["text"]
            == "Sorry, that message is too long for me. Please keep it under 2,000 characters."
        )
        odd = await _emit_raw(
            chat,
            {
                "message": "<script>alert(1)</script>",
                "session_id": session_id,
                "customData": "{not json",
            },
        )
        assert "<script" not in odd["text"]
        while not chat.received.empty():
            chat.received.get_nowait()
        [greeting] = await chat.say("hello", replies=1)
        assert "Pathfinder" in greeting["text"]


async def test_a_1_mb_message_over_socketio_is_refused_by_the_transport_and_others_go_on(assistant):
    # python-engineio refuses packets over 1 MB by closing that connection; the server goes on.
    async with web_chat(assistant, uuid.uuid4().hex) as chat:
        with contextlib.suppress(Exception):
            await chat.client.emit(
                "user_uttered",
                {"message": "project manager " * 65536, "session_id": chat.session_id},
            )
            await asyncio.wait_for(chat.received.get(), 5)
    async with web_chat(assistant, uuid.uuid4().hex) as chat:
        [greeting] = await chat.say("hello", replies=1)
        assert "Pathfinder" in greeting["text"]
