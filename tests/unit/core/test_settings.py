"""core/settings.py: every setting read strictly, with a clear error naming the variable; and the
variables the code reads are exactly the ones .env.example lists."""

import re
import subprocess

import pytest

from core import settings
from core.settings import PROJECT_ROOT as ROOT
from core.settings import SettingsError, load_settings


def test_defaults():
    loaded = load_settings({})
    assert loaded.answer_threshold == 0.4 and loaded.max_suggestions == 3
    assert loaded.articles_base_url.startswith("https://")


def test_base_url_loses_its_trailing_slash():
    assert (
        load_settings({"ARTICLES_BASE_URL": "https://x.example/"}).articles_base_url
        == "https://x.example"
    )


@pytest.mark.parametrize("value", ["high", "1.5", "-0.1"])
def test_a_bad_threshold_is_a_clear_error(value):
    with pytest.raises(SettingsError, match="FAQ_ANSWER_THRESHOLD"):
        load_settings({"FAQ_ANSWER_THRESHOLD": value})


@pytest.mark.parametrize(
    "read, name, default, good, bad",
    [
        (settings.action_timeout, "ACTION_TIMEOUT", 5.0, ("2.5", 2.5), ("soon", "0", "-1", "301")),
        (settings.tracker_cache_size, "TRACKER_CACHE_SIZE", 1000, ("0", 0), ("many", "-1", "1.5")),
        (
            settings.db_connect_timeout,
            "DB_CONNECT_TIMEOUT",
            5,
            ("10", 10),
            ("soon", "0", "301", "1.5"),
        ),
        (settings.max_message_chars, "MAX_MESSAGE_CHARS", 2000, ("500", 500), ("0", "-3", "lots")),
    ],
)
def test_the_rasa_servers_settings_go_through_the_same_parser(read, name, default, good, bad):
    assert read({}) == default and read({name: good[0]}) == good[1]
    for value in bad:
        with pytest.raises(SettingsError, match=name):
            read({name: value})


def test_cors_origins():
    assert settings.cors_origins(
        {"CORS_ORIGINS": "http://127.0.0.1:8080  https://www.example-training.co.uk"}
    ) == ["http://127.0.0.1:8080", "https://www.example-training.co.uk"]
    assert (
        settings.cors_origins({"CORS_ORIGINS": " "}) is None and settings.cors_origins({}) is None
    )


def test_the_launchers_take_their_defaults_from_here():
    script = settings.shell_defaults()
    out = subprocess.run(
        ["bash", "-c", script + 'echo "$RASA_PORT $ACTION_HOST $TRACKER_DB"'],
        capture_output=True,
        text=True,
        check=True,
        env={"RASA_PORT": "6000"},
    ).stdout
    assert out.split() == [
        "6000",
        settings.SERVER_DEFAULTS["ACTION_HOST"],
        settings.SERVER_DEFAULTS["TRACKER_DB"],
    ]


# Where the code reads the environment: Python, shell, the endpoints and credentials files, the
# Makefile.
READS = [
    re.compile(r"""(?:environ|env|environ_|run_env)\.get\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""environ\[\s*["']([A-Z][A-Z0-9_]+)["']\s*\]"""),
    re.compile(r"""number\(\s*env,\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""_VARIABLE\s*=\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""\$\{([A-Z][A-Z0-9_]+)[:}-]"""),
]
# The start-up files' writers name variables in tables: {"slack_token": "SLACK_BOT_TOKEN", ...}.
TABLES = re.compile(r"""["']([A-Z]+_[A-Z0-9_]+)["']""")
CODE = ["actions", "channels", "components", "core", "rasa_server", "stores", "scripts"]
# Set by the environment or the tools, not settings of ours.
NOT_OURS = {
    "NAME",
    "VARIABLE",
    "HTTP_ORIGIN",
    "PATH",
    "HOME",
    "PIPESTATUS",
    "PYENV_ROOT",
    "PYENV_VERSION",
    "VENV_BIN",
    "BASH_SOURCE",
    "RASA_CREDENTIALS",
    "RASA_ENDPOINTS",
    "TF_CPP_MIN_LOG_LEVEL",
    "RASA_TELEMETRY_ENABLED",
    "PYTHONHASHSEED",
    "SUDO",
    "DEBIAN_FRONTEND",
}


def _read_by_code():
    names = set()
    files = [p for d in CODE for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".sh", ".conf")]
    files += [ROOT / "endpoints.yml", ROOT / "credentials.yml"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in READS:
            names.update(pattern.findall(text))
        if path.name.startswith("make_"):
            names.update(TABLES.findall(text))
    return (names | set(settings.SERVER_DEFAULTS)) - NOT_OURS


def _listed():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.M))


def test_env_example_lists_exactly_the_variables_the_code_reads():
    read, listed = _read_by_code(), _listed()
    assert read - listed == set(), "read by the code but not in .env.example"
    assert listed - read == set(), "in .env.example but read by nothing"
