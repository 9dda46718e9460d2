"""Microsoft Teams (any Bot Framework channel) through Rasa's connector, with the token checks it lacks.

Enabled when TEAMS_APP_ID and TEAMS_APP_PASSWORD are set (scripts/make_credentials.py adds
`channels.botframework.BotFrameworkInput` to the credentials file); Rasa serves it at
/webhooks/botframework/webhook, the Azure Bot's messaging endpoint.

Rasa 3.6's BotFrameworkInput checks the token's signature, expiry and audience, but takes the algorithm
from the token itself, does not check the issuer, the `serviceurl` claim or the signing key's
endorsements, allows no clock skew, answers a token without `kid` with a 500, and fetches Microsoft's
keys at start-up and in the request path with blocking calls. Its BotFramework output gets tokens from
the multi-tenant `botframework.com` tenant only (new Azure Bots are single-tenant), posts with blocking
calls, passes Rasa's buttons to Teams unconverted and posts `custom` payloads as activities.

So this module checks every incoming token as Microsoft's Bot Framework SDKs do (RS256 family only,
issuer https://api.botframework.com, audience = our app id, expiry and not-before with 5 minutes' clock
skew, a key from Microsoft's published set whose endorsements include the activity's channel, and a
`serviceurl` claim equal to the activity's serviceUrl, so a reply, which carries our access token, only
ever goes where Microsoft said), fetches keys and tokens asynchronously, renders buttons as a hero
card (openUrl for links, messageBack for payloads) and never posts `custom` payloads.

Tests only: TEAMS_OPENID_METADATA_URL and TEAMS_TOKEN_URL point at local fakes of Microsoft's OpenID
metadata and token endpoint.
"""
import asyncio
import logging
import os
import re
import time
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple
from urllib.parse import quote

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels import botframework as rasa_botframework
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

OPENID_METADATA_URL = rasa_botframework.MICROSOFT_OPEN_ID_URI  # login.botframework.com/v1/.well-known/openidconfiguration
TOKEN_ISSUER = "https://api.botframework.com"
TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512"]
CLOCK_SKEW_SECONDS = 5 * 60
KEYS_MAX_AGE_SECONDS = 24 * 60 * 60
KEYS_MIN_REFRESH_SECONDS = 60  # at most one fetch a minute, even for unknown keys or when Microsoft is down
# Bot -> channel: a client-credentials token from the bot's tenant (`botframework.com` for the old multi-tenant bots).
TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
MULTI_TENANT = "botframework.com"
TOKEN_SCOPE = "https://api.botframework.com/.default"
# Tests only: local fakes of Microsoft's OpenID metadata (which names the keys) and of the token endpoint.
OPENID_URL_VARIABLE = "TEAMS_OPENID_METADATA_URL"
TOKEN_URL_VARIABLE = "TEAMS_TOKEN_URL"
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)
BEARER = re.compile(r"Bearer\s+(\S+)\s*")


class Unauthorized(Exception):
    status = HTTPStatus.UNAUTHORIZED


class Forbidden(Unauthorized):
    """The token is fine but its signing key is not endorsed for the activity's channel."""

    status = HTTPStatus.FORBIDDEN


class TokenValidator:
    """Checks the Bearer token of a request from the Bot Framework, against Microsoft's published keys."""

    def __init__(self, app_id: Text, openid_url: Text = OPENID_METADATA_URL, clock: Callable[[], float] = time.monotonic):
        self.app_id = app_id
        self.openid_url = openid_url
        self.clock = clock
        self.keys: Dict[Text, Dict[Text, Any]] = {}
        self.fetched_at: Optional[float] = None
        self.tried_at: Optional[float] = None
        self._lock = asyncio.Lock()

    async def validate(self, authorization: Optional[Text], activity: Dict[Text, Any]) -> Dict[Text, Any]:
        """The token's claims; raises Unauthorized (or Forbidden) saying what was wrong."""
        match = BEARER.fullmatch(authorization or "")
        if not match:
            raise Unauthorized("no Bearer token")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized(f"not a JWT: {error}")
        if header.get("alg") not in TOKEN_ALGORITHMS:
            raise Unauthorized(f"signing algorithm {header.get('alg')!r} is not allowed")
        kid = header.get("kid")
        if not kid:
            raise Unauthorized("token names no signing key")
        key = await self.signing_key(kid)
        if key is None:
            raise Unauthorized(f"unknown signing key {kid!r}")
        try:
            claims = jwt.decode(
                token,
                RSAAlgorithm.from_jwk(key),
                algorithms=TOKEN_ALGORITHMS,
                audience=self.app_id,
                issuer=TOKEN_ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except (jwt.PyJWTError, ValueError) as error:
            raise Unauthorized(str(error))
        channel_id = activity.get("channelId")
        endorsements = key.get("endorsements") or []
        if channel_id and endorsements and channel_id not in endorsements:
            raise Forbidden(f"signing key is not endorsed for channel {channel_id!r}")
        if not claims.get("serviceurl") or claims["serviceurl"] != activity.get("serviceUrl"):
            raise Unauthorized("the token's serviceurl claim does not match the activity's serviceUrl")
        return claims

    async def signing_key(self, kid: Text) -> Optional[Dict[Text, Any]]:
        now = self.clock()
        stale = self.fetched_at is None or now - self.fetched_at > KEYS_MAX_AGE_SECONDS
        may_fetch = self.tried_at is None or now - self.tried_at > KEYS_MIN_REFRESH_SECONDS
        if may_fetch and (stale or kid not in self.keys):
            await self.refresh()
        return self.keys.get(kid)

    async def refresh(self) -> None:
        async with self._lock:
            self.tried_at = self.clock()
            try:
                async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
                    async with session.get(self.openid_url) as reply:
                        reply.raise_for_status()
                        jwks_uri = (await reply.json(content_type=None))["jwks_uri"]
                    async with session.get(jwks_uri) as reply:
                        reply.raise_for_status()
                        keys = (await reply.json(content_type=None))["keys"]
            except (aiohttp.ClientError, asyncio.TimeoutError, KeyError, TypeError, ValueError) as error:
                logger.error("Could not fetch the Bot Framework signing keys from %s: %r", self.openid_url, error)
                return
            self.keys = {key["kid"]: key for key in keys if isinstance(key, dict) and key.get("kid")}
            self.fetched_at = self.tried_at
            logger.debug("Fetched %d Bot Framework signing keys", len(self.keys))


# Access tokens for replies, per (token URL, app id): (token, when to get a new one).
_ACCESS_TOKENS: Dict[Tuple[Text, Text], Tuple[Text, float]] = {}


async def access_token(token_url: Text, app_id: Text, app_password: Text) -> Optional[Text]:
    """A Bot Connector access token (client credentials), cached until 5 minutes before it expires."""
    cached = _ACCESS_TOKENS.get((token_url, app_id))
    if cached and cached[1] > time.monotonic():
        return cached[0]
    form = {"grant_type": "client_credentials", "client_id": app_id, "client_secret": app_password, "scope": TOKEN_SCOPE}
    try:
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
            async with session.post(token_url, data=form) as reply:
                body = await reply.json(content_type=None)
                status = reply.status
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.error("Could not get a Bot Framework access token from %s: %r", token_url, error)
        return None
    if status != HTTPStatus.OK or not isinstance(body, dict) or "access_token" not in body:
        detail = body.get("error_description") or body.get("error") if isinstance(body, dict) else None
        logger.error("Could not get a Bot Framework access token from %s: HTTP %s %s", token_url, status, detail or "")
        return None
    _ACCESS_TOKENS[(token_url, app_id)] = (body["access_token"], time.monotonic() + int(body.get("expires_in", 3600)) - 300)
    return body["access_token"]


def card_action(button: Dict[Text, Any]) -> Dict[Text, Any]:
    """A Rasa button as a Bot Framework CardAction: a link opens its URL; a payload button sends the payload
    back while the chat shows its title."""
    if button.get("type") == "web_url" and button.get("url"):
        return {"type": "openUrl", "title": button["title"], "value": button["url"]}
    payload = button.get("payload", button["title"])
    return {
        "type": "messageBack",
        "title": button["title"],
        "text": payload,
        "displayText": button["title"],
        "value": {"payload": payload},
    }


def hero_card(text: Text, buttons: List[Dict[Text, Any]]) -> Dict[Text, Any]:
    return {
        "contentType": "application/vnd.microsoft.card.hero",
        "content": {"text": text, "buttons": [card_action(b) for b in buttons]},
    }


def message_text(activity: Dict[Text, Any]) -> Text:
    """The user's text, without @mentions of the bot (Teams channels); a messageBack's payload if no text."""
    text = activity.get("text") or ""
    bot_id = (activity.get("recipient") or {}).get("id")
    for entity in activity.get("entities") or []:
        if entity.get("type") == "mention" and (entity.get("mentioned") or {}).get("id") == bot_id and entity.get("text"):
            text = text.replace(entity["text"], " ")
    value = activity.get("value")
    if not text.strip() and isinstance(value, dict) and isinstance(value.get("payload"), str):
        text = value["payload"]
    return text.strip()


class BotFramework(rasa_botframework.BotFramework):
    """Rasa's Bot Framework output channel: asynchronous, the bot's own tenant, hero cards, no `custom` posts."""

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
        # Rasa also sets channelData.notification.alert, which puts every reply in the Teams activity feed.
        return {"type": "message", "recipient": {"id": recipient_id}, "from": self.bot, "text": "", **message_data}

    async def send(self, message_data: Dict[Text, Any]) -> None:
        token = await access_token(self.token_url, self.app_id, self.app_password)
        if token is None:
            logger.error("Not sending a Bot Framework reply: no access token")
            return
        url = f"{self.global_uri}conversations/{quote(self.conversation['id'], safe='')}/activities"
        try:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
                async with session.post(url, json=message_data, headers={"Authorization": f"Bearer {token}"}) as reply:
                    if reply.status >= 400:
                        logger.error("The Bot Framework refused a reply: HTTP %s %s", reply.status, (await reply.text())[:500])
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("Could not send a Bot Framework reply to %s: %r", self.global_uri, error)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send(self.prepare_message(recipient_id, {"text": text}))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self.send(self.prepare_message(recipient_id, {"attachments": [hero_card(text or "", buttons)]}))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        """Not sent: our `custom` messages are machine-readable markers for REST and web clients
        (actions/replies.py), and Rasa's BotFramework would post them as activities."""
        logger.debug("not posting a custom payload (type %r) to the Bot Framework", json_message.get("type"))


class BotFrameworkInput(rasa_botframework.BotFrameworkInput):
    """Rasa's Bot Framework input channel with complete token validation (see the module docstring)."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "BotFrameworkInput":
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("app_id"), credentials.get("app_password"), credentials.get("tenant_id"))

    def __init__(self, app_id: Text, app_password: Text, tenant_id: Optional[Text] = None) -> None:
        # Not Rasa's __init__: it fetches the signing keys at start-up with a blocking call; ours fetches them
        # on the first request, so a brief outage at Microsoft does not stop the server starting.
        if not app_id or not app_password:
            raise InvalidConfigException("The Bot Framework channel needs app_id and app_password.")
        self.app_id = app_id
        self.app_password = app_password
        self.token_url = os.environ.get(TOKEN_URL_VARIABLE) or TOKEN_URL.format(tenant=tenant_id or MULTI_TENANT)
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
            except Exception as error:  # like Rasa's: log it, and do not make the Bot Framework retry
                logger.exception("Could not handle a Bot Framework message: %s", error)
            return response.text("", status=HTTPStatus.OK)

        return botframework_webhook
