"""Rasa's REST channel, with input checked before it reaches the assistant.

The stock channel answers 500 to a body that is not a JSON object, and silently answers nothing
(200 []) to a missing or non-text `message` or to a very long one. Here:
- a body that is not a JSON object, or a `sender`/`message`/`metadata` of the wrong type, gets a
  400 that says what is wrong;
- a sender id longer than MAX_SENDER_CHARS gets a 400 (tracker stores index it);
- a message longer than MAX_MESSAGE_CHARS (default 2000) gets a polite reply asking for a shorter
  one, and is not run through the assistant;
- a message the server could not handle (the stock channel logs the error and answers 200 with
  whatever was said before it, often `[]`, or a whole reply the database never stored) gets a 503
  with a Retry-After header and a polite "please send it again" in the usual reply format. This is
  what a user gets while PostgreSQL or Redis is down or restarting: the message was not kept, so a
  2xx would be a lie.
"""

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage as BadRequest  # sanic 21.12 (Rasa 3.6): a 400
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.limits import MAX_SENDER_CHARS, too_long_text
from core import texts
from core.settings import max_message_chars

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 2


def not_taken(sender_id: Optional[Text]) -> List[Dict[Text, Any]]:
    """The reply to a message that was not handled, in the REST channel's usual format."""
    return [
        {"recipient_id": sender_id, "text": texts.NOT_TAKEN},
        {"recipient_id": sender_id, "custom": {"type": "retry"}},
    ]


def _body(request: Request) -> Dict[str, Any]:
    body = request.json
    if not isinstance(body, dict):
        raise BadRequest(
            'The body must be a JSON object like {"sender": "me", "message": "Hello"}.'
        )
    return body


class RestInput(RasaRestInput):
    """Same URL as Rasa's (/webhooks/rest/webhook), same replies; bad input refused clearly."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = _body(req).get("sender")
        if sender is not None and not isinstance(sender, str):
            raise BadRequest("'sender' must be text.")
        if sender is not None and len(sender) > MAX_SENDER_CHARS:
            raise BadRequest(f"'sender' must be at most {MAX_SENDER_CHARS} characters.")
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message")
        if not isinstance(message, str):
            raise BadRequest("'message' is required and must be text.")
        return message

    def _extract_input_channel(self, req: Request) -> Text:
        channel = _body(req).get("input_channel")
        return channel if isinstance(channel, str) and channel else self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _body(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise BadRequest("'metadata' must be a JSON object.")
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        limit = max_message_chars()

        async def capped(message: UserMessage) -> None:
            if len(message.text or "") > limit:
                await message.output_channel.send_text_message(
                    message.sender_id, too_long_text(limit)
                )
                await message.output_channel.send_custom_json(
                    message.sender_id, {"type": "too_long", "limit": limit}
                )
                return
            await on_new_message(message)

        # Rasa's blueprint (same name, same routes), with a failed message answered 503 instead of
        # 200.
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            input_channel = self._extract_input_channel(request)
            metadata = self.get_metadata(request)
            if bool_arg(request, "stream", default=False):
                stream = self.stream_response(capped, text, sender_id, input_channel, metadata)
                return response.stream(stream, content_type="text/event-stream")
            collector = CollectingOutputChannel()
            try:
                await capped(
                    UserMessage(
                        text, collector, sender_id, input_channel=input_channel, metadata=metadata
                    )
                )
            except CancelledError:  # as Rasa's: the request timed out
                logger.error("the message from %r timed out", sender_id)
            except Exception as error:
                logger.exception(
                    "the message from %r could not be handled (%s); answered 503", sender_id, error
                )
                return response.json(
                    not_taken(sender_id),
                    status=503,
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                )
            return response.json(collector.messages)

        return webhook
