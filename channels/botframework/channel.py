"""Microsoft Teams (any Bot Framework channel) through Rasa's connector, with the token checks it
lacks.

Enabled when TEAMS_APP_ID and TEAMS_APP_PASSWORD are set (scripts/make_credentials.py adds
`channels.botframework.BotFrameworkInput` to the credentials file); Rasa serves it at
/webhooks/botframework/webhook, the Azure Bot's messaging endpoint. Tokens are checked in full
(tokens.py). Replies use the bot's own tenant (new Azure Bots are single-tenant; Rasa's output uses
the multi-tenant `botframework.com` only), are posted asynchronously, render buttons as hero cards
(cards.py) and never post our `custom` markers.

Tests only: TEAMS_OPENID_METADATA_URL and TEAMS_TOKEN_URL point at local fakes of Microsoft's OpenID
metadata and token endpoint.
"""

import asyncio
import logging
import os
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import quote

import aiohttp
from rasa.core.channels import botframework as rasa_botframework
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.botframework.cards import hero_card, message_text
from channels.botframework.tokens import (
    HTTP_TIMEOUT,
    MULTI_TENANT,
    OPENID_METADATA_URL,
    OPENID_URL_VARIABLE,
    TOKEN_URL,
    TOKEN_URL_VARIABLE,
    TokenValidator,
    Unauthorized,
    access_token,
)

logger = logging.getLogger(__name__)


class BotFramework(rasa_botframework.BotFramework):
    """Rasa's Bot Framework output channel: asynchronous, the bot's own tenant, hero cards, no
    `custom` posts."""

    def __init__(
        self,
        app_id: Text,
        app_password: Text,
        conversation: Dict[Text, Any],
        bot: Text,
        service_url: Text,
        token_url: Text,
    ) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.token_url = token_url

    def prepare_message(self, recipient_id: Text, message_data: Dict[Text, Any]) -> Dict[Text, Any]:
        # Rasa also sets channelData.notification.alert, which puts every reply in the Teams
        # activity feed.
        return {
            "type": "message",
            "recipient": {"id": recipient_id},
            "from": self.bot,
            "text": "",
            **message_data,
        }

    async def send(self, message_data: Dict[Text, Any]) -> None:
        token = await access_token(self.token_url, self.app_id, self.app_password)
        if token is None:
            logger.error("Not sending a Bot Framework reply: no access token")
            return
        url = f"{self.global_uri}conversations/{quote(self.conversation['id'], safe='')}/activities"
        try:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
                async with session.post(
                    url, json=message_data, headers={"Authorization": f"Bearer {token}"}
                ) as reply:
                    if reply.status >= 400:
                        logger.error(
                            "The Bot Framework refused a reply: HTTP %s %s",
                            reply.status,
                            (await reply.text())[:500],
                        )
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("Could not send a Bot Framework reply to %s: %r", self.global_uri, error)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send(self.prepare_message(recipient_id, {"text": text}))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self.send(
            self.prepare_message(recipient_id, {"attachments": [hero_card(text or "", buttons)]})
        )

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """Not sent: our `custom` messages are machine-readable markers for REST and web clients
        (actions/replies.py), and Rasa's BotFramework would post them as activities."""
        logger.debug(
            "not posting a custom payload (type %r) to the Bot Framework", json_message.get("type")
        )


class BotFrameworkInput(rasa_botframework.BotFrameworkInput):
    """Rasa's Bot Framework input channel with complete token validation (see the module
    docstring)."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "BotFrameworkInput":
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("app_id"), credentials.get("app_password"), credentials.get("tenant_id")
        )

    def __init__(self, app_id: Text, app_password: Text, tenant_id: Optional[Text] = None) -> None:
        # Not Rasa's __init__: it fetches the signing keys at start-up with a blocking call; ours
        # fetches them on the first request, so a brief outage at Microsoft does not stop the server
        # starting.
        if not app_id or not app_password:
            raise InvalidConfigException("The Bot Framework channel needs app_id and app_password.")
        self.app_id = app_id
        self.app_password = app_password
        self.token_url = os.environ.get(TOKEN_URL_VARIABLE) or TOKEN_URL.format(
            tenant=tenant_id or MULTI_TENANT
        )
        openid_url = os.environ.get(OPENID_URL_VARIABLE) or OPENID_METADATA_URL
        for variable in (OPENID_URL_VARIABLE, TOKEN_URL_VARIABLE):
            if os.environ.get(variable):
                logger.warning("%s is set to %s (for tests only)", variable, os.environ[variable])
        self.validator = TokenValidator(app_id, openid_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        botframework_webhook = Blueprint("botframework_webhook", __name__)

        @botframework_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @botframework_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            authorization = request.headers.get("Authorization")
            if not authorization:
                return response.text("No Authorization header.", status=HTTPStatus.UNAUTHORIZED)
            activity = request.json
            if not isinstance(activity, dict):
                return response.text("Expected an activity.", status=HTTPStatus.BAD_REQUEST)
            try:
                await self.validator.validate(authorization, activity)
            except Unauthorized as error:
                logger.warning("Rejected a Bot Framework request: %s", error)
                return response.text("Could not validate the token.", status=error.status)

            if activity.get("type") != "message":
                return response.text("", status=HTTPStatus.OK)
            try:
                out_channel = BotFramework(
                    self.app_id,
                    self.app_password,
                    activity["conversation"],
                    activity["recipient"],
                    activity["serviceUrl"],
                    self.token_url,
                )
                metadata = self.add_attachments_to_metadata(activity, self.get_metadata(request))
                await on_new_message(
                    UserMessage(
                        text=message_text(activity),
                        output_channel=out_channel,
                        sender_id=activity["from"]["id"],
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except (
                Exception
            ) as error:  # like Rasa's: log it, and do not make the Bot Framework retry
                logger.exception("Could not handle a Bot Framework message: %s", error)
            return response.text("", status=HTTPStatus.OK)

        return botframework_webhook
