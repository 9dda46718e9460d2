"""Local stand-ins for Slack's Web API and Microsoft's Bot Framework, for the channel tests.

One aiohttp server, in a thread of its own, on a free loopback port:

- Slack: POST /slack/api/chat.postMessage records the message (SLACK_API_URL points the connector
  here);
- Bot Framework: GET /botframework/openid (OpenID metadata, TEAMS_OPENID_METADATA_URL) names
  GET /botframework/keys (a JWKS with the tests' RSA key); POST /botframework/token
  (TEAMS_TOKEN_URL) gives an access token for the right app id and password; POST
  /botframework/service/v3/conversations/<id>/activities records a reply (the activities' serviceUrl
  is /botframework/service/).
"""

import asyncio
import hashlib
import hmac
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import jwt
import requests
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.support.servers import RunningAssistant

BOT_ACCESS_TOKEN = "fake-bot-connector-access-token"


class FakeChatServices:
    def __init__(self, jwks: Dict[str, Any], app_id: str, app_password: str):
        self.jwks, self.app_id, self.app_password = jwks, app_id, app_password
        self.slack_posts: List[Dict[str, Any]] = []  # {"body": ..., "authorization": ...}
        self.teams_activities: List[
            Dict[str, Any]
        ] = []  # {"conversation": ..., "body": ..., "authorization": ...}
        self.token_requests: List[Dict[str, str]] = []
        self.key_fetches = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.url = ""

    # --- lifecycle ---
    def start(self) -> "FakeChatServices":
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("the fake chat services did not start")
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.add_routes(
            [
                web.post("/slack/api/chat.postMessage", self._slack_post_message),
                web.get("/botframework/openid", self._openid),
                web.get("/botframework/keys", self._keys),
                web.post("/botframework/token", self._token),
                web.post(
                    "/botframework/service/v3/conversations/{conversation}/activities",
                    self._activity,
                ),
            ]
        )
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._started.set()
        self._loop.run_forever()

    # --- where the connectors are pointed ---
    @property
    def slack_api_url(self) -> str:
        return f"{self.url}/slack/api/"

    @property
    def openid_url(self) -> str:
        return f"{self.url}/botframework/openid"

    @property
    def token_url(self) -> str:
        return f"{self.url}/botframework/token"

    @property
    def service_url(self) -> str:
        return f"{self.url}/botframework/service/"

    # --- Slack ---
    async def _slack_post_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            self.slack_posts.append(
                {"body": body, "authorization": request.headers.get("Authorization")}
            )
        return web.json_response(
            {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
        )

    def slack_messages(self, channel: str) -> List[Dict[str, Any]]:
        with self._lock:
            return [p["body"] for p in self.slack_posts if p["body"].get("channel") == channel]

    # --- Bot Framework ---
    async def _openid(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"issuer": "https://api.botframework.com", "jwks_uri": f"{self.url}/botframework/keys"}
        )

    async def _keys(self, request: web.Request) -> web.Response:
        with self._lock:
            self.key_fetches += 1
        return web.json_response(self.jwks)

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        with self._lock:
            self.token_requests.append(form)
        if form.get("client_id") != self.app_id or form.get("client_secret") != self.app_password:
            return web.json_response({"error": "invalid_client"}, status=401)
        return web.json_response(
            {"token_type": "Bearer", "expires_in": 3600, "access_token": BOT_ACCESS_TOKEN}
        )

    async def _activity(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self._lock:
            self.teams_activities.append(
                {
                    "conversation": request.match_info["conversation"],
                    "body": body,
                    "authorization": request.headers.get("Authorization"),
                }
            )
        return web.json_response({"id": f"reply-{len(self.teams_activities)}"})

    def teams_replies(self, conversation: str) -> List[Dict[str, Any]]:
        with self._lock:
            return [a for a in self.teams_activities if a["conversation"] == conversation]


def wait_for(
    condition: Callable[[], Any],
    seconds: float = 15,
    what: str = "the condition",
    details: Optional[Callable[[], Any]] = None,
):
    """Polls until `condition()` is truthy and returns it; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}" + (f": {details()}" if details else ""))


class ChatTestBed:
    """Both servers started by scripts/run.sh with Slack and Teams enabled, replying to
    FakeChatServices."""

    slack_bot_token = "xoxb-test-token-not-real"
    app_id = "00000000-0000-4000-8000-0000000000a1"
    key_id = "test-signing-key"

    def __init__(self, tmp: Path):
        self.signing_secret = secrets.token_hex(16)
        self.app_password = "test-password-" + secrets.token_hex(8)
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        jwks = {
            "keys": [
                {**jwk, "kid": self.key_id, "use": "sig", "endorsements": ["msteams", "webchat"]}
            ]
        }
        self.fakes = FakeChatServices(jwks, self.app_id, self.app_password).start()
        env = {
            "ARTICLES_BASE_URL": "https://training.example",
            "SLACK_BOT_TOKEN": self.slack_bot_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_API_URL": self.fakes.slack_api_url,
            "TEAMS_APP_ID": self.app_id,
            "TEAMS_APP_PASSWORD": self.app_password,
            "TEAMS_OPENID_METADATA_URL": self.fakes.openid_url,
            "TEAMS_TOKEN_URL": self.fakes.token_url,
        }
        try:
            self.assistant = RunningAssistant(tmp, env=env)
        except Exception:
            self.fakes.stop()
            raise
        self.slack_webhook = f"{self.assistant.url}/webhooks/slack/webhook"
        self.teams_webhook = f"{self.assistant.url}/webhooks/botframework/webhook"

    def stop(self) -> int:
        try:
            return self.assistant.stop()
        finally:
            self.fakes.stop()

    # --- Slack ---
    def slack_signature(self, body: bytes, timestamp: int, secret: Optional[str] = None) -> str:
        base = f"v0:{timestamp}:".encode() + body
        return (
            "v0="
            + hmac.new((secret or self.signing_secret).encode(), base, hashlib.sha256).hexdigest()
        )

    def post_to_slack(
        self,
        body: bytes,
        content_type: str = "application/json",
        timestamp: Optional[int] = None,
        secret: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        signed_body: Optional[bytes] = None,
    ) -> requests.Response:
        """POSTs `body` signed as Slack signs it (with `secret`, at `timestamp`, over `signed_body`
        if given)."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = self.slack_signature(
            body if signed_body is None else signed_body, timestamp, secret
        )
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature,
        }
        all_headers.update(headers or {})
        return requests.post(self.slack_webhook, data=body, headers=all_headers, timeout=10)

    # --- Bot Framework ---
    def teams_token(self, key=None, kid: Optional[str] = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": "https://api.botframework.com",
            "aud": self.app_id,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "serviceurl": self.fakes.service_url,
        }
        payload.update(claims)
        return jwt.encode(
            payload, key or self.private_key, algorithm="RS256", headers={"kid": kid or self.key_id}
        )

    def post_to_teams(self, activity: Dict[str, Any], token: Optional[str]) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.post(self.teams_webhook, json=activity, headers=headers, timeout=30)
