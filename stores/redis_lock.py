"""The lock store for two or more Rasa servers (scripts/make_endpoints.py names it when REDIS_HOST
is set).

Rasa's Redis lock store, except that failing to release a conversation's lock after the message was
handled and stored is logged, not raised: the tracker is saved by then, the lock expires by itself
(Rasa's lock lifetime, 60 s) and a Redis restart has dropped it anyway. redis-py reconnects by
itself after a restart, so nothing else is needed.
"""

import logging
from typing import Text

from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)


class RedisLockStore(RasaRedisLockStore):
    def __init__(
        self, endpoint_config: EndpointConfig
    ) -> None:  # how Rasa builds a lock store named by module path
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        try:
            super().cleanup(conversation_id, ticket_number)
        except Exception as error:  # Redis down or restarting: the lock expires by itself
            logger.warning(
                "could not release the lock of conversation %r (%s); it expires by itself",
                conversation_id,
                error,
            )
