"""Cheaper calls from the Rasa server to the action server (patches in rasa_server/patches.py).

Profiling the Rasa server under load (py-spy, docs/benchmark.md) showed three costs per
custom-action call that Rasa 3.6 does not let us configure:

1. `EndpointConfig.request` opens a new aiohttp `ClientSession` (and so a new TCP connection) for
   every call and closes it afterwards. `PooledEndpoint` keeps one session per event loop and reuses
   its keep-alive connections.
2. `RemoteAction._action_call_format` sends the *whole* tracker, every event of the conversation, on
   every call: serialising it grew with the length of the conversation (about 1 MB of JSON at turn
   200) and the action server parsed it all again. Our actions read only `latest_message` and the
   slots (actions/actions.py; tests/unit/rasa_server/test_action_calls.py checks they still do), so
   `trimmed_call_format` sends the events of the current turn only (from the latest user message
   on); everything else in the tracker state (slots, latest_message, active loop, followup action
   ...) is sent as before. An action that needs earlier events would have to change this.
3. `RemoteAction._validate_action_result` calls `jsonschema.validate`, which checks Rasa's response
   schema against jsonschema's meta-schema before validating the response, on every call.
   `validate_action_result` checks the schema once and keeps the validator; the response itself is
   validated exactly as before.
"""

import asyncio
import logging
from typing import Any, Dict, Optional, Text

import aiohttp
import jsonschema
import rasa
import rasa.utils.endpoints as rasa_endpoints
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import UserUttered

logger = logging.getLogger(__name__)

# Sanic (the action server) closes a keep-alive connection after 5 idle seconds (its default); the
# client drops idle connections sooner, so it rarely picks one the server is closing (and retries
# once when it does, below).
CLIENT_KEEPALIVE_SECONDS = 4.0


class PooledEndpoint(rasa_endpoints.EndpointConfig):
    """An EndpointConfig whose `request` reuses one ClientSession (per event loop) and its
    connections."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._session: Optional[aiohttp.ClientSession] = None
        self._session_loop: Optional[asyncio.AbstractEventLoop] = None

    @classmethod
    def from_endpoint(cls, endpoint: rasa_endpoints.EndpointConfig) -> "PooledEndpoint":
        return cls(
            endpoint.url,
            endpoint.params,
            endpoint.headers,
            endpoint.basic_auth,
            endpoint.token,
            endpoint.token_name,
            endpoint.cafile,
            type=endpoint.type,
            **endpoint.kwargs,
        )

    def _pooled_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            # The session made for another loop (one per test in the unit tests) cannot be used
            # here; it is simply dropped: its loop is gone or going.
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth
                else None
            )
            self._session = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                connector=aiohttp.TCPConnector(keepalive_timeout=CLIENT_KEEPALIVE_SECONDS),
            )
            self._session_loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def request(
        self,
        method: Text = "post",
        subpath: Optional[Text] = None,
        content_type: Optional[Text] = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Optional[Any]:
        """As EndpointConfig.request (same headers, parameters, errors and timeout), on a pooled
        session."""
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", {}))
        headers.update(self.headers)
        url = rasa_endpoints.concat_url(self.url, subpath)
        ssl_context = None
        if self.cafile:
            import ssl

            ssl_context = ssl.create_default_context(cafile=self.cafile)
        params = self.combine_parameters(kwargs)
        # Rasa's own session has a total timeout of DEFAULT_REQUEST_TIMEOUT (the action guard bounds
        # it).
        kwargs.setdefault(
            "timeout", aiohttp.ClientTimeout(total=rasa_endpoints.DEFAULT_REQUEST_TIMEOUT)
        )
        for attempt in (1, 2):
            try:
                async with self._pooled_session().request(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    compress=compress,
                    ssl=ssl_context,
                    **kwargs,
                ) as response:
                    if response.status >= 400:
                        raise rasa_endpoints.ClientResponseError(
                            response.status, response.reason, await response.content.read()
                        )
                    try:
                        return await response.json()
                    except aiohttp.ContentTypeError:
                        return None
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
                # A reused keep-alive connection that the server had just closed or reset (idle
                # timeout, or the action server restarted): try once more on a new connection. Safe
                # because our actions only read the tracker and reply. A refused connection (server
                # down) is not retried.
                if attempt == 2 or isinstance(error, aiohttp.ClientConnectorError):
                    raise
                logger.debug("action server closed a pooled connection; retrying on a new one")
        return None  # not reached


def trimmed_call_format(self, tracker, domain) -> Dict[Text, Any]:
    """RemoteAction._action_call_format, with only the current turn's events (see the module
    docstring)."""
    from rasa.shared.core.trackers import EventVerbosity

    state = tracker.current_state(EventVerbosity.NONE)  # everything but the events
    turn = []
    for event in reversed(tracker.events):
        turn.append(event)
        if isinstance(event, UserUttered):
            break
    state["events"] = [event.as_dict() for event in reversed(turn)]
    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
        self.name()
    ):
        result["domain"] = domain.as_dict()
    return result


_response_validator = None


def validate_action_result(self, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result with the schema checked once (see the module
    docstring)."""
    global _response_validator
    if _response_validator is None:
        schema = self.action_response_format_spec()
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _response_validator = cls(schema)
    error = jsonschema.exceptions.best_match(_response_validator.iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            "the Action "
            "endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True
