"""channels/socketio.py, the website widget's channel: each fix against the stock Rasa 3.6 channel,
without a server."""

from unittest.mock import AsyncMock

import pytest
from rasa.core.channels import socketio as stock

from channels.socketio import SocketIOInput, SocketIOOutput

LINKS = [
    {
        "title": "Finding project manager jobs",
        "type": "web_url",
        "url": "https://training.example/jobs",
    },
    {"title": "CAPM certification", "type": "web_url", "url": "https://training.example/capm"},
]
SUGGESTIONS = [{"title": "Is a PM a Scrum Master?", "payload": "/faq_scrum_master_vs_pm"}]


class RecordingServer:
    """Stands in for python-socketio's AsyncServer: records what would be emitted."""

    def __init__(self):
        self.emitted = []

    async def emit(self, event, data=None, room=None, **kwargs):
        self.emitted.append((event, data, room))


def started(channel):
    """The channel's socket.io server with its handlers registered, as `rasa run` leaves it."""
    channel.blueprint(AsyncMock())
    channel.sio.enter_room = AsyncMock()
    channel.sio.emit = AsyncMock()
    return channel.sio


def handler(sio, event):
    return sio.handlers["/"][event]


async def test_session_request_joins_the_session_room_so_replies_arrive():
    sio = started(SocketIOInput(session_persistence=True))
    await handler(sio, "session_request")("sid-1", {"session_id": "session-1"})
    sio.enter_room.assert_awaited_once_with("sid-1", "session-1", namespace=None)
    sio.emit.assert_awaited_once_with("session_confirm", "session-1", room="sid-1", namespace=None)


async def test_the_stock_channel_still_needs_that_fix():
    """When this fails, Rasa awaits enter_room itself (RasaHQ/rasa#13027) and our session_request
    can go."""
    sio = started(stock.SocketIOInput(session_persistence=True))
    await handler(sio, "session_request")("sid-1", {"session_id": "session-1"})
    sio.enter_room.assert_called_once()
    assert sio.enter_room.await_count == 0


@pytest.mark.parametrize("data", [None, {}, {"session_id": None}])
async def test_a_session_request_without_an_id_gets_a_new_one(data):
    sio = started(SocketIOInput(session_persistence=True))
    await handler(sio, "session_request")("sid-1", data)
    (_, new_id), _ = sio.enter_room.await_args
    assert len(new_id) == 32
    sio.emit.assert_awaited_once_with("session_confirm", new_id, room="sid-1", namespace=None)


async def test_without_persistence_no_room_is_joined():
    sio = started(SocketIOInput(session_persistence=False))
    await handler(sio, "session_request")("sid-1", {"session_id": "session-1"})
    sio.enter_room.assert_not_awaited()


@pytest.mark.parametrize("persistence, sender", [(True, "session-1"), (False, "sid-1")])
async def test_messages_come_from_the_session_with_persistence_else_from_the_socket(
    persistence, sender
):
    channel = SocketIOInput(session_persistence=persistence)
    on_new_message = AsyncMock()
    channel.blueprint(on_new_message)
    await handler(channel.sio, "user_uttered")(
        "sid-1", {"message": "hello", "session_id": "session-1"}
    )
    (message,), _ = on_new_message.await_args
    assert (message.text, message.sender_id, message.input_channel) == ("hello", sender, "socketio")
    assert isinstance(message.output_channel, SocketIOOutput)


async def test_with_persistence_a_message_without_a_session_is_ignored():
    channel = SocketIOInput(session_persistence=True)
    on_new_message = AsyncMock()
    channel.blueprint(on_new_message)
    await handler(channel.sio, "user_uttered")("sid-1", {"message": "hello"})
    on_new_message.assert_not_awaited()


async def test_link_buttons_go_out_as_persistent_buttons():
    sio = RecordingServer()
    await SocketIOOutput(sio, "bot_uttered").send_response(
        "session-1", {"text": "Related articles:", "buttons": LINKS}
    )
    assert sio.emitted == [
        ("bot_uttered", {"text": "Related articles:", "buttons": LINKS}, "session-1")
    ]


async def test_the_stock_channel_fails_on_link_buttons():
    with pytest.raises(KeyError):
        await stock.SocketIOOutput(RecordingServer(), "bot_uttered").send_text_with_buttons(
            "session-1", "Related articles:", LINKS
        )


async def test_suggestion_buttons_stay_quick_replies():
    sio = RecordingServer()
    await SocketIOOutput(sio, "bot_uttered").send_response(
        "session-1", {"text": "Did you mean:", "buttons": SUGGESTIONS}
    )
    [(_, message, _)] = sio.emitted
    assert message == {
        "text": "Did you mean:",
        "quick_replies": [
            {
                "content_type": "text",
                "title": SUGGESTIONS[0]["title"],
                "payload": SUGGESTIONS[0]["payload"],
            }
        ],
    }


async def test_custom_messages_are_not_sent_to_the_widget():
    sio = RecordingServer()
    await SocketIOOutput(sio, "bot_uttered").send_response(
        "session-1", {"custom": {"type": "faq_answer", "faq_id": "become_pm"}}
    )
    assert sio.emitted == []


@pytest.mark.parametrize(
    "allowed, origin, connects",
    [
        (["http://127.0.0.1:8080"], "http://127.0.0.1:8080", True),
        (["http://127.0.0.1:8080"], "HTTP://127.0.0.1:8080", True),
        (
            ["http://127.0.0.1:8080", "https://www.example-training.co.uk"],
            "https://www.example-training.co.uk",
            True,
        ),
        (["http://127.0.0.1:8080"], "http://127.0.0.1:9999", False),
        (["http://127.0.0.1:8080"], "https://evil.example", False),
        (["http://127.0.0.1:8080"], None, True),  # not a browser
        (["*"], "https://evil.example", True),
        (None, "https://evil.example", True),  # CORS_ORIGINS unset: no check, as the stock channel
    ],
)
async def test_connect_checks_the_browser_origin(allowed, origin, connects):
    sio = started(SocketIOInput(allowed_origins=allowed))
    environ = {"HTTP_ORIGIN": origin} if origin else {}
    assert await handler(sio, "connect")("sid-1", environ, None) is connects


def test_credentials_keep_the_stock_settings(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "http://127.0.0.1:8080")
    channel = SocketIOInput.from_credentials(
        {"session_persistence": True, "bot_message_evt": "bot_uttered"}
    )
    assert isinstance(channel, SocketIOInput)
    assert (channel.session_persistence, channel.bot_message_evt, channel.socketio_path) == (
        True,
        "bot_uttered",
        "/socket.io",
    )
    assert channel.allowed_origins == ["http://127.0.0.1:8080"]
