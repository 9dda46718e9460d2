"""Slack through Rasa's connector: retries never answered twice, replies rendered as Slack messages.

Enabled when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set (scripts/make_credentials.py adds
`channels.slack.SlackInput` to the credentials file); Rasa serves it at /webhooks/slack/webhook, the
URL for both Event Subscriptions and Interactivity. What we change in Rasa's SlackInput/SlackBot:

- Every retry reason Slack sends is in `errors_ignore_retry` (Rasa's default is only
  `http_timeout`), and a message Slack delivers twice (a retry, or one message sent as both a
  `message` and an `app_mention` event) is answered once.
- `url_verification` is answered with the challenge as plain text, as Slack documents.
- Buttons become a Block Kit actions block, related-article links become mrkdwn links, text is
  escaped, and the `custom` payload (machine-readable, for REST and web clients) is never posted to
  Slack.
- SLACK_API_URL, for tests only, points the Web API client at a local fake instead of https://slack.com/api/.
"""

import logging
import os
import time
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels import slack as rasa_slack
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

# Every value of X-Slack-Retry-Reason (Slack's Events API docs, "Failure conditions"). A retry for
# any of them is acknowledged with X-Slack-No-Retry and not answered: we answer in the background
# and reply 200 at once, so the first delivery has almost always been answered already.
SLACK_RETRY_REASONS = (
    "http_timeout",
    "too_many_redirects",
    "connection_failed",
    "ssl_error",
    "http_error",
    "unknown_error",
)
# Tests only: the Slack Web API base URL (a local fake). Unset, the client uses https://slack.com/api/.
API_URL_VARIABLE = "SLACK_API_URL"
# Slack retries for about 5 minutes (at once, after 1 minute, after 5 minutes); keep keys longer.
DUPLICATE_WINDOW_SECONDS = 15 * 60
MAX_BUTTONS = 25  # Block Kit: at most 25 elements in an actions block
MAX_BUTTON_TEXT = 75  # Block Kit: a button's text is at most 75 characters


def escape(text: Text) -> Text:
    """Slack's three control characters; everything else in our text is shown as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def is_link(button: Dict[Text, Any]) -> bool:
    return button.get("type") == "web_url" and bool(button.get("url"))


def _shorten(text: Text, limit: int) -> Text:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_message(text: Text) -> Dict[Text, Any]:
    """chat.postMessage arguments for a text."""
    return {"text": escape(text)}


def buttons_message(text: Text, buttons: List[Dict[Text, Any]]) -> Dict[Text, Any]:
    """chat.postMessage arguments for a text with buttons.

    Link buttons ({"title", "type": "web_url", "url"}) become mrkdwn links under the text; payload
    buttons ({"title", "payload"}) become an actions block whose buttons send their payload back."""
    links = [b for b in buttons if is_link(b)]
    choices = [b for b in buttons if not is_link(b) and b.get("payload")]
    lines = [escape(text)] + [f"• <{b['url']}|{escape(b['title'])}>" for b in links]
    blocks: List[Dict[Text, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}
    ]
    if choices:
        if len(choices) > MAX_BUTTONS:
            logger.warning(
                "Slack shows at most %d buttons; dropping %d",
                MAX_BUTTONS,
                len(choices) - MAX_BUTTONS,
            )
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"choice_{i}",
                        "text": {
                            "type": "plain_text",
                            "text": _shorten(b["title"], MAX_BUTTON_TEXT),
                        },
                        "value": b["payload"],
                    }
                    for i, b in enumerate(choices[:MAX_BUTTONS])
                ],
            }
        )
    # `text` is what notifications and screen readers show for a message with blocks.
    return {"text": escape(text), "blocks": blocks}


class RecentKeys:
    """Remembers keys for `ttl` seconds (at most `size` of them); `add` says whether a key is
    new."""

    def __init__(
        self,
        ttl: float = DUPLICATE_WINDOW_SECONDS,
        size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.ttl, self.size, self.clock = ttl, size, clock
        self._keys: OrderedDict[Text, float] = OrderedDict()

    def add(self, key: Text) -> bool:
        now = self.clock()
        # Oldest first: drop the expired ones, and the oldest when full.
        while self._keys and (
            len(self._keys) >= self.size or next(iter(self._keys.values())) <= now - self.ttl
        ):
            self._keys.popitem(last=False)
        if key in self._keys:
            return False
        self._keys[key] = now
        return True


def delivery_key(request: Request) -> Optional[Text]:
    """What identifies the user's message in an Events API request: the same in every retry, and in
    the `message` and `app_mention` events Slack sends for one mention. None for interactivity
    payloads."""
    if request.headers.get("content-type") != "application/json":
        return None
    body = request.json or {}
    event = body.get("event") or {}
    if event.get("channel") and event.get("ts"):
        return f"{event['channel']}/{event['ts']}"
    return body.get("event_id")


class SlackBot(rasa_slack.SlackBot):
    """Rasa's Slack output channel, rendering our messages natively and never posting `custom`
    payloads."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_url: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_url:
            self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        # Rasa passes `as_user` (legacy, classic apps only) and `type` (not an argument of
        # chat.postMessage).
        kwargs.pop("as_user", None)
        kwargs.pop("type", None)
        kwargs.setdefault("unfurl_links", False)  # no large previews under the article links
        try:
            await super()._post_message(channel, **kwargs)
        except SlackApiError as error:
            logger.error("Slack refused a reply to %s: %s", channel, error.response.get("error"))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._post_message(self.slack_channel or recipient_id, **text_message(text))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._post_message(
            self.slack_channel or recipient_id, **buttons_message(text or "", buttons)
        )

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """Not sent: our `custom` messages are machine-readable markers for REST and web clients
        (actions/replies.py), and Rasa's SlackBot would post them to the conversation."""
        logger.debug("not posting a custom payload (type %r) to Slack", json_message.get("type"))


class SlackInput(rasa_slack.SlackInput):
    """Rasa's Slack input channel with every retry reason ignored and each message answered once."""

    def __init__(
        self,
        slack_token: Text,
        slack_channel: Optional[Text] = None,
        proxy: Optional[Text] = None,
        slack_retry_reason_header: Optional[Text] = None,
        slack_retry_number_header: Optional[Text] = None,
        errors_ignore_retry: Optional[List[Text]] = None,
        use_threads: Optional[bool] = False,
        slack_signing_secret: Text = "",
        conversation_granularity: Optional[Text] = "sender",
    ) -> None:
        super().__init__(
            slack_token,
            slack_channel,
            proxy,
            slack_retry_reason_header or "x-slack-retry-reason",
            slack_retry_number_header or "x-slack-retry-num",
            list(errors_ignore_retry or SLACK_RETRY_REASONS),
            use_threads,
            slack_signing_secret,
            conversation_granularity,
        )
        self.api_url = os.environ.get(API_URL_VARIABLE) or None
        if self.api_url:
            logger.warning(
                "%s is set: Slack replies go to %s (for tests only)", API_URL_VARIABLE, self.api_url
            )
        self._delivered = RecentKeys()

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        sender_id: Optional[Text],
        metadata: Optional[Dict],
    ) -> Any:
        key = delivery_key(request)
        if key is not None and not self._delivered.add(key):
            logger.warning(
                "Slack delivered message %s again (retry %s, %s): not answering it twice",
                key,
                request.headers.get(self.retry_num_header),
                request.headers.get(self.retry_reason_header),
            )
            return response.text("", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"})
        # Rasa's own check acknowledges retries whose reason is in errors_ignore_retry (all of
        # them).
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def answer_url_verification(request: Request) -> Optional[HTTPResponse]:
            """Slack checks a new Request URL by asking it to echo a challenge; Slack documents a
            plain-text answer (Rasa returns it as a JSON string). Unsigned requests go on to Rasa's
            check, which rejects them."""
            if (
                request.method != "POST"
                or request.headers.get("content-type") != "application/json"
            ):
                return None
            body = request.json
            if not isinstance(body, dict) or body.get("type") != "url_verification":
                return None
            if not self.is_request_from_slack_authentic(request):
                return None
            return response.text(str(body.get("challenge", "")))

        return blueprint

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        return SlackBot(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url
        )
