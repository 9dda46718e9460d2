"""Checks the tokens of requests from the Bot Framework, and gets the access tokens for replies.

Rasa 3.6's connector takes the signing algorithm from the token itself and checks neither the
issuer, nor the signing key's endorsements, nor the `serviceurl` claim, allows no clock skew, and
fetches keys with blocking calls. This checks every token as Microsoft's Bot Framework SDKs do:
RS256 family only, issuer https://api.botframework.com, audience = our app id, expiry and not-before
with 5 minutes' clock skew, a key from Microsoft's published set whose endorsements include the
activity's channel, and a `serviceurl` claim equal to the activity's serviceUrl (so a reply, which
carries our access token, only ever goes where Microsoft said). Keys and access tokens are fetched
asynchronously.
"""

import asyncio
import logging
import re
import time
from http import HTTPStatus
from typing import Any, Callable, Dict, Optional, Text, Tuple

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels import botframework as rasa_botframework

logger = logging.getLogger(__name__)

OPENID_METADATA_URL = (
    rasa_botframework.MICROSOFT_OPEN_ID_URI
)  # login.botframework.com/v1/.well-known/openidconfiguration
TOKEN_ISSUER = "https://api.botframework.com"
TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512"]
CLOCK_SKEW_SECONDS = 5 * 60
KEYS_MAX_AGE_SECONDS = 24 * 60 * 60
KEYS_MIN_REFRESH_SECONDS = (
    60  # at most one fetch a minute, even for unknown keys or when Microsoft is down
)
# Bot -> channel: a client-credentials token from the bot's tenant (`botframework.com` for the old
# multi-tenant bots).
TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
MULTI_TENANT = "botframework.com"
TOKEN_SCOPE = "https://api.botframework.com/.default"
# Tests only: local fakes of Microsoft's OpenID metadata (which names the keys) and of the token
# endpoint.
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
    """Checks the Bearer token of a request from the Bot Framework, against Microsoft's published
    keys."""

    def __init__(
        self,
        app_id: Text,
        openid_url: Text = OPENID_METADATA_URL,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.app_id = app_id
        self.openid_url = openid_url
        self.clock = clock
        self.keys: Dict[Text, Dict[Text, Any]] = {}
        self.fetched_at: Optional[float] = None
        self.tried_at: Optional[float] = None
        self._lock = asyncio.Lock()

    async def validate(
        self, authorization: Optional[Text], activity: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        """The token's claims; raises Unauthorized (or Forbidden) saying what was wrong."""
        match = BEARER.fullmatch(authorization or "")
        if not match:
            raise Unauthorized("no Bearer token")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized(f"not a JWT: {error}") from error
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
            raise Unauthorized(str(error)) from error
        channel_id = activity.get("channelId")
        endorsements = key.get("endorsements") or []
        if channel_id and endorsements and channel_id not in endorsements:
            raise Forbidden(f"signing key is not endorsed for channel {channel_id!r}")
        if not claims.get("serviceurl") or claims["serviceurl"] != activity.get("serviceUrl"):
            raise Unauthorized(
                "the token's serviceurl claim does not match the activity's serviceUrl"
            )
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
            except (
                aiohttp.ClientError,
                asyncio.TimeoutError,
                KeyError,
                TypeError,
                ValueError,
            ) as error:
                logger.error(
                    "Could not fetch the Bot Framework signing keys from %s: %r",
                    self.openid_url,
                    error,
                )
                return
            self.keys = {
                key["kid"]: key for key in keys if isinstance(key, dict) and key.get("kid")
            }
            self.fetched_at = self.tried_at
            logger.debug("Fetched %d Bot Framework signing keys", len(self.keys))


# Access tokens for replies, per (token URL, app id): (token, when to get a new one).
_ACCESS_TOKENS: Dict[Tuple[Text, Text], Tuple[Text, float]] = {}


async def access_token(token_url: Text, app_id: Text, app_password: Text) -> Optional[Text]:
    """A Bot Connector access token (client credentials), cached until 5 minutes before it
    expires."""
    cached = _ACCESS_TOKENS.get((token_url, app_id))
    if cached and cached[1] > time.monotonic():
        return cached[0]
    form = {
        "grant_type": "client_credentials",
        "client_id": app_id,
        "client_secret": app_password,
        "scope": TOKEN_SCOPE,
    }
    try:
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
            async with session.post(token_url, data=form) as reply:
                body = await reply.json(content_type=None)
                status = reply.status
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.error("Could not get a Bot Framework access token from %s: %r", token_url, error)
        return None
    if status != HTTPStatus.OK or not isinstance(body, dict) or "access_token" not in body:
        detail = (
            body.get("error_description") or body.get("error") if isinstance(body, dict) else None
        )
        logger.error(
            "Could not get a Bot Framework access token from %s: HTTP %s %s",
            token_url,
            status,
            detail or "",
        )
        return None
    _ACCESS_TOKENS[(token_url, app_id)] = (
        body["access_token"],
        time.monotonic() + int(body.get("expires_in", 3600)) - 300,
    )
    return body["access_token"]
