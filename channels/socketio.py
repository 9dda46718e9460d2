"""Rasa's socket.io channel, which the website widget (rasa-webchat) talks to, fixed for Rasa
3.6.21.

credentials.yml names it `channels.socketio.SocketIOInput`; its settings are the stock channel's.
Each difference below broke the widget with the stock channel (rasa.core.channels.socketio):

1. `session_persistence: true` lost every reply: the stock `session_request` handler calls
   python-socketio's `enter_room` without `await` (RasaHQ/rasa#13027). It has been a coroutine since
   python-socketio 5.10, so the socket never joined its session's room, which is where replies go.
2. Link buttons (`{"title", "type": "web_url", "url"}`, our related articles) raised
   KeyError('payload'), which also lost the turn from the tracker store. They go out as `buttons`,
   which rasa-webchat shows as links and keeps on screen (it hides `quick_replies` once one is
   used).
3. `custom` messages raised TypeError (`emit(event, **json_message)`). They are machine-readable
   markers for API clients and analytics, not for people, and the tracker store keeps them, so
   this channel does not send them. (rasa-webchat would not show one anyway unless the page gave it
   a React `customComponent`.)
4. Any website could open a socket: browsers do not apply CORS to WebSockets, and the stock channel
   turns python-socketio's origin check off (`cors_allowed_origins=[]`, so that Rasa's `--cors`
   alone sets the CORS headers of HTTP long-polling; python-socketio's would duplicate them). This
   one refuses to connect a browser whose Origin is not in CORS_ORIGINS, the list `--cors` gets.
   Clients that send no Origin (not browsers) are let in, as with python-socketio's own check.
5. Bad input (a message that is not text, a bad session id or metadata) raised inside the handler
   and the user heard nothing; here it gets a polite reply, and a message longer than
   MAX_MESSAGE_CHARS gets "too long" without being processed, as on the REST channel.
"""

import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels import socketio as stock
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from channels.limits import MAX_SENDER_CHARS, too_long_text
from core import texts
from core.settings import cors_origins, max_message_chars

logger = logging.getLogger(__name__)


class SocketIOOutput(stock.SocketIOOutput):
    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Link buttons have no payload (fix 2 above); others stay the stock channel's quick
        replies."""
        if not any(button.get("type") == "web_url" for button in buttons):
            await super().send_text_with_buttons(recipient_id, text, buttons, **kwargs)
            return
        await self._send_message(recipient_id, {"text": text, "buttons": buttons})

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """Not for people (fix 3 above)."""
        logger.debug(f"Not sending custom message {json_message} to the web chat.")


class SocketIOInput(stock.SocketIOInput):
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.allowed_origins = cors_origins()
        return channel

    def __init__(
        self, *args: Any, allowed_origins: Optional[List[Text]] = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_origins = allowed_origins

    def origin_allowed(self, origin: Optional[Text]) -> bool:
        if origin is None or self.allowed_origins is None or "*" in self.allowed_origins:
            return True
        return origin.lower() in (allowed.lower() for allowed in self.allowed_origins)

    def get_output_channel(self) -> Optional[SocketIOOutput]:
        """For messages Rasa sends on its own (reminders, external events)."""
        return (
            SocketIOOutput(self.sio, self.bot_message_evt) if super().get_output_channel() else None
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The stock blueprint, with three of its socket.io event handlers replaced."""
        blueprint = super().blueprint(on_new_message)
        sio, namespace = self.sio, self.namespace
        stock_connect = sio.handlers[namespace or "/"]["connect"]

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if not self.origin_allowed(origin):
                logger.info(
                    f"Refused a socket.io connection from origin {origin} (not in CORS_ORIGINS)."
                )
                return False
            return await stock_connect(sid, environ, auth)

        limit = max_message_chars()

        async def reply(sid: Text, text: Text) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=namespace)

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            valid = isinstance(asked, str) and 0 < len(asked) <= MAX_SENDER_CHARS
            session_id = asked if valid else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            # As the stock handler, with our output channel and checks (fix 5 above).
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                await reply(sid, texts.UNREADABLE)
                return
            session_id = data.get("session_id")
            if self.session_persistence and not (
                isinstance(session_id, str) and 0 < len(session_id) <= MAX_SENDER_CHARS
            ):
                logger.warning(
                    "Ignored a socket.io message without a valid session_id; send "
                    "`session_request` first."
                )
                await reply(sid, texts.UNREADABLE)
                return
            sender_id = session_id if self.session_persistence else sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            if len(data.get("message", "")) > limit:
                await reply(sid, too_long_text(limit))
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(
                    UserMessage(
                        data.get("message", ""),
                        output,
                        sender_id,
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except (
                Exception
            ) as error:  # the stock handler says nothing: e.g. PostgreSQL or Redis restarting
                logger.exception("the message from %r could not be handled (%s)", sender_id, error)
                await reply(sid, texts.NOT_TAKEN)

        return blueprint
