"""channels/rest.py: a message the server could not handle gets a 503 and a polite "send it
again"."""

import json
from types import SimpleNamespace

import sqlalchemy.exc

from channels.rest import RestInput
from core import texts


def _route(blueprint, uri):
    return next(route.handler for route in blueprint._future_routes if route.uri == uri)


async def test_a_message_that_could_not_be_handled_gets_503_and_a_polite_retry():
    async def failing(message):
        await message.output_channel.send_text_message(
            message.sender_id, "an answer the database never stored"
        )
        raise sqlalchemy.exc.OperationalError("INSERT", {}, Exception("connection refused"))

    async def working(message):
        await message.output_channel.send_text_message(message.sender_id, "hello")

    request = SimpleNamespace(json={"sender": "me", "message": "hi"}, args={})
    failed = await _route(RestInput().blueprint(failing), "/webhook")(request)
    assert failed.status == 503 and failed.headers["Retry-After"] == "2"
    assert json.loads(failed.body) == [
        {"recipient_id": "me", "text": texts.NOT_TAKEN},
        {"recipient_id": "me", "custom": {"type": "retry"}},
    ]
    answered = await _route(RestInput().blueprint(working), "/webhook")(request)
    assert answered.status == 200 and json.loads(answered.body) == [
        {"recipient_id": "me", "text": "hello"}
    ]


def test_a_too_long_message_is_refused_politely():
    from channels.limits import too_long_text

    assert (
        too_long_text(2000)
        == "Sorry, that message is too long for me. Please keep it under 2,000 characters."
    )
