"""What the user gets when the action server is down or hung: a short apology, within seconds.

Rasa 3.6 waits up to 5 minutes (`DEFAULT_REQUEST_TIMEOUT`) for a custom action and, when the call
fails, logs the error and sends the user nothing at all. Neither is configurable, so this module,
imported with our components whenever the Rasa server loads the model, (1) bounds the wait to
ACTION_TIMEOUT seconds (default 5) and (2) turns a failed call into an apology. When the action
server is back, the next message is answered as usual: nothing is cached.
"""
import functools
import logging
import os

import rasa.core.actions.action as rasa_action
import rasa.utils.endpoints as rasa_endpoints
from rasa.shared.core.events import BotUttered

from actions.settings import number
from components.action_calls import PooledEndpoint, trimmed_call_format, validate_action_result

logger = logging.getLogger(__name__)

UNAVAILABLE_TEXT = "Sorry, I can't look that up right now. Please try again in a moment."
DEFAULT_ACTION_TIMEOUT = 5.0


def action_timeout(env=os.environ) -> float:
    return number(env, "ACTION_TIMEOUT", DEFAULT_ACTION_TIMEOUT, 0, 300, above_low=True)


def apology() -> BotUttered:
    return BotUttered(text=UNAVAILABLE_TEXT, data={"custom": {"type": "unavailable"}})


def _guard(run):
    @functools.wraps(run)
    async def guarded_run(self, output_channel, nlg, tracker, domain):
        self.action_endpoint = _pooled(self.action_endpoint)
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except rasa_action.ActionExecutionRejection:
            raise  # the action declined (a form's validation): Rasa handles that itself
        except Exception as error:  # down, hung past the timeout, or an error inside the action
            logger.error("custom action %r failed (%s); the user gets an apology", self.name(), error)
            return [apology()]

    guarded_run.pathfinder_guarded = True
    return guarded_run


def _pooled(endpoint):
    """The pooled twin of the processor's action endpoint (one per endpoint, kept on it): Rasa makes a
    new RemoteAction for every call, all with the same EndpointConfig (components/action_calls.py)."""
    if endpoint is None or isinstance(endpoint, PooledEndpoint):
        return endpoint
    pooled = getattr(endpoint, "pathfinder_pooled", None)
    if pooled is None:
        pooled = endpoint.pathfinder_pooled = PooledEndpoint.from_endpoint(endpoint)
    return pooled


def install() -> None:
    """Idempotent: bounds the wait and guards RemoteAction.run once per process."""
    timeout = action_timeout()
    # Both modules import the constant by name; the call sites read these module globals.
    rasa_action.DEFAULT_REQUEST_TIMEOUT = timeout
    rasa_endpoints.DEFAULT_REQUEST_TIMEOUT = timeout
    # Only the current turn's events go to the action server (components/action_calls.py).
    rasa_action.RemoteAction._action_call_format = trimmed_call_format
    rasa_action.RemoteAction._validate_action_result = validate_action_result  # the schema checked once
    if not getattr(rasa_action.RemoteAction.run, "pathfinder_guarded", False):
        rasa_action.RemoteAction.run = _guard(rasa_action.RemoteAction.run)
