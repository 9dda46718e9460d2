"""Rasa's REST channel, with input checked before it reaches the assistant.

The stock channel answers 500 to a body that is not a JSON object, and silently answers nothing
(200 []) to a missing or non-text `message` or to a very long one. Here:
- a body that is not a JSON object, or a `sender`/`message`/`metadata` of the wrong type, gets a
  400 that says what is wrong;
- a sender id longer than MAX_SENDER_CHARS gets a 400 (tracker stores index it);
- a message longer than MAX_MESSAGE_CHARS (default 2000) gets a polite reply asking for a shorter
  one, and is not run through the assistant.
"""
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage as BadRequest  # sanic 21.12 (Rasa 3.6): a 400
from sanic.request import Request

from channels.limits import MAX_SENDER_CHARS, max_message_chars, too_long_text

def _body(request: Request) -> Dict[str, Any]:
    body = request.json
    if not isinstance(body, dict):
        raise BadRequest('The body must be a JSON object like {"sender": "me", "message": "Hello"}.')
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
                await message.output_channel.send_text_message(message.sender_id, too_long_text(limit))
                await message.output_channel.send_custom_json(message.sender_id, {"type": "too_long", "limit": limit})
                return
            await on_new_message(message)

        return super().blueprint(capped)
