"""Conversation stores, named by module path in the endpoints:
stores.cached_sql.CachedSQLTrackerStore (SQLite, endpoints.yml),
stores.strict_sql.StrictSQLTrackerStore (PostgreSQL) and stores.redis_lock.RedisLockStore (Redis),
written by scripts/make_endpoints.py when their variables are set."""
