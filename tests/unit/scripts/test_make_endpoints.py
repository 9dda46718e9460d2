"""The endpoints file run.sh gives Rasa: SQLite and in-memory locks by default, PostgreSQL and Redis
from the environment, secrets only as ${VARIABLE} placeholders that Rasa itself expands."""

import pytest
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.utils import read_endpoints_from_path

from core.settings import PROJECT_ROOT as ROOT
from scripts.make_endpoints import build

BASE = (ROOT / "endpoints.yml").read_text()
RUNTIME = {
    "ACTION_HOST": "127.0.0.1",
    "ACTION_PORT": "5055",
    "ACTION_TOKEN": "a-test-token",
    "TRACKER_DB": "var/tracker.db",
}
POSTGRES = {
    "DB_HOST": "db.internal",
    "DB_PORT": "6543",
    "DB_NAME": "conversations",
    "DB_USER": "rasa",
    "DB_PASSWORD": "pa$$:word@/x",
}
REDIS = {
    "REDIS_HOST": "cache.internal",
    "REDIS_PORT": "6380",
    "REDIS_PASSWORD": "r3d!s",
    "REDIS_DB": "2",
}


def read(text, tmp_path, monkeypatch, environ):
    """The endpoints as Rasa reads them, with `environ` set."""
    for name, value in {**RUNTIME, **environ}.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "endpoints.yml"
    path.write_text(text)
    return read_endpoints_from_path(path)


def test_no_variables_keeps_endpoints_yml_as_it_is(tmp_path, monkeypatch):
    text, summary = build(BASE, RUNTIME)
    assert text == BASE
    assert summary == ["tracker store: SQLite (var/tracker.db)", "lock store: in memory"]
    endpoints = read(text, tmp_path, monkeypatch, {})
    assert endpoints.tracker_store.kwargs == {"dialect": "sqlite", "db": "var/tracker.db"}
    assert endpoints.lock_store is None  # Rasa's default: in memory


def test_postgres_and_redis_from_separate_variables(tmp_path, monkeypatch):
    environ = {**RUNTIME, **POSTGRES, **REDIS}
    text, summary = build(BASE, environ)
    for value in list(POSTGRES.values()) + list(REDIS.values()):
        assert value not in text, value  # not even the host names: the file only names variables
        assert all(value not in line for line in summary)
    assert summary == [
        "tracker store: PostgreSQL (DB_HOST, DB_NAME, DB_USER, DB_PASSWORD, DB_PORT)",
        "lock store: Redis (REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_DB)",
    ]
    endpoints = read(text, tmp_path, monkeypatch, environ)
    assert (
        endpoints.action.url == "http://127.0.0.1:5055/webhook"
    )  # the rest of endpoints.yml is kept
    store = endpoints.tracker_store
    assert store.type == "stores.strict_sql.StrictSQLTrackerStore" and store.url == "db.internal"
    assert store.kwargs == {
        "dialect": "postgresql",
        "port": "6543",
        "db": "conversations",
        "username": "rasa",
        "password": "pa$$:word@/x",
    }
    lock = LockStore.create(endpoints.lock_store)
    assert isinstance(lock, RedisLockStore)
    kwargs = lock.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == (
        "cache.internal",
        6380,
        2,
        "r3d!s",
    )
    assert lock.key_prefix.startswith("pathfinder:")


def test_db_url_wins_and_is_used_whole(tmp_path, monkeypatch):
    url = "postgresql://rasa:secret@db.internal:5432/pathfinder?sslmode=require"
    environ = {**RUNTIME, **POSTGRES, "DB_URL": url}
    text, summary = build(BASE, environ)
    assert "secret" not in text and summary[0] == "tracker store: PostgreSQL (DB_URL)"
    store = read(text, tmp_path, monkeypatch, environ).tracker_store
    assert store.url == url and store.kwargs == {"dialect": "postgresql"}


def test_the_generated_file_makes_a_postgres_url_rasa_can_use(tmp_path, monkeypatch):
    from rasa.core.tracker_store import SQLTrackerStore

    environ = {**RUNTIME, **POSTGRES}
    store = read(build(BASE, environ)[0], tmp_path, monkeypatch, environ).tracker_store
    url = SQLTrackerStore.get_db_url(host=store.url, **store.kwargs)
    assert (url.drivername, url.host, url.port, url.database, url.username, url.password) == (
        "postgresql",
        "db.internal",
        6543,
        "conversations",
        "rasa",
        "pa$$:word@/x",
    )


@pytest.mark.parametrize(
    "environ, message",
    [
        (
            {"DB_HOST": "h", "DB_USER": "u"},
            "PostgreSQL needs DB_NAME and DB_PASSWORD as well as DB_HOST and DB_USER",
        ),
        (
            {"DB_PORT": "5432"},
            "PostgreSQL needs DB_HOST and DB_NAME and DB_USER and DB_PASSWORD as well as DB_PORT",
        ),
        ({"DB_URL": "postgres://u:p@h/db"}, "DB_URL must start with postgresql://"),
        ({"REDIS_PASSWORD": "x"}, "REDIS_PASSWORD set without REDIS_HOST"),
    ],
)
def test_half_configured_stores_stop_the_start_naming_what_is_missing(environ, message):
    with pytest.raises(SystemExit) as stopped:
        build(BASE, {**RUNTIME, **environ})
    assert message in str(stopped.value)
    assert "p@h" not in str(stopped.value)


def test_docker_compose_gives_each_replica_postgres_and_redis(tmp_path, monkeypatch):
    import yaml

    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
    services = compose["services"]
    replicas = [name for name in services if name.startswith("rasa-")]
    assert len(replicas) >= 2
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    for name in replicas:
        assert f"server {name}:5005" in nginx  # every replica is behind nginx
        environ = {
            k: ("secret" if v.startswith("${") else v)
            for k, v in services[name]["environment"].items()
        }
        text, summary = build(BASE, {**RUNTIME, **environ})
        assert summary == [
            "tracker store: PostgreSQL (DB_HOST, DB_NAME, DB_USER, DB_PASSWORD, DB_PORT)",
            "lock store: Redis (REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_DB)",
        ]
        assert (
            environ["DB_HOST"] in services
            and environ["REDIS_HOST"] in services
            and environ["ACTION_HOST"] in services
        )
    assert (
        services["postgres"]["environment"]["POSTGRES_DB"]
        == services["rasa-1"]["environment"]["DB_NAME"]
    )
    assert (
        services["postgres"]["environment"]["POSTGRES_USER"]
        == services["rasa-1"]["environment"]["DB_USER"]
    )
