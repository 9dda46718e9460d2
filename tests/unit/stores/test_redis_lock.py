"""stores/redis_lock.py without Redis: an error to take a lock, but not to release one."""

import pytest
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from stores.redis_lock import RedisLockStore
from tests.support.servers import free_port


async def test_redis_down_an_error_to_take_a_lock_but_not_to_release_one():
    config = EndpointConfig(
        url="127.0.0.1",
        type="stores.redis_lock.RedisLockStore",
        port=str(free_port()),
        password="x",
        key_prefix="pathfinder",
        socket_timeout=2,
    )
    lock_store = LockStore.create(config)
    assert isinstance(lock_store, RedisLockStore)
    assert lock_store.red.connection_pool.connection_kwargs["password"] == "x"
    lock_store.cleanup("someone", 0)  # logged: the message was handled, the lock expires by itself
    with pytest.raises(Exception, match="(?i)connect"):
        async with lock_store.lock("someone"):
            pass
