"""What the user gets when the action server is down or hung: a short apology, within seconds.

Rasa 3.6 waits up to 5 minutes (`DEFAULT_REQUEST_TIMEOUT`) for a custom action and, when the call
fails, logs the error and sends the user nothing at all. Neither is configurable, so two patches
(rasa_server/patches.py) bound the wait to ACTION_TIMEOUT seconds (default 5) and turn a failed call
into an apology. When the action server is back, the next message is answered as usual.
"""

import functools
import logging

import rasa.core.actions.action as rasa_action
from rasa.shared.core.events import BotUttered

from core import texts
from rasa_server.action_calls import PooledEndpoint

logger = logging.getLogger(__name__)


def apology() -> BotUttered:
    return BotUttered(text=texts.UNAVAILABLE, data={"custom": {"type": "unavailable"}})


def guarded(run):
    """RemoteAction.run on a pooled endpoint, with any failure turned into the apology."""

    @functools.wraps(run)
    async def guarded_run(self, output_channel, nlg, tracker, domain):
        self.action_endpoint = _pooled(self.action_endpoint)
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except rasa_action.ActionExecutionRejection:
            raise  # the action declined (a form's validation): Rasa handles that itself
        except Exception as error:  # down, hung past the timeout, or an error inside the action
            logger.error(
                "custom action %r failed (%s); the user gets an apology", self.name(), error
            )
            return [apology()]

    return guarded_run


def _pooled(endpoint):
    """The pooled twin of the processor's action endpoint (one per endpoint, kept on it): Rasa makes
    a new RemoteAction for every call, all with the same EndpointConfig
    (rasa_server/action_calls.py)."""
    if endpoint is None or isinstance(endpoint, PooledEndpoint):
        return endpoint
    pooled = getattr(endpoint, "pathfinder_pooled", None)
    if pooled is None:
        pooled = endpoint.pathfinder_pooled = PooledEndpoint.from_endpoint(endpoint)
    return pooled
