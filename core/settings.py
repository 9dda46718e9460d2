"""Every setting either server reads from the environment, in one place, through one parser.

.env.example lists each variable with its default (tests/unit/core/test_settings.py checks that the
variables the code reads and the ones listed there are the same set). The launchers take the host
and port defaults from here: `python -m core.settings --shell` prints them as shell assignments.
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Where the servers listen, and where the conversations are kept, unless the environment says
# otherwise.
SERVER_DEFAULTS = {
    "PATHFINDER_HOST": "127.0.0.1",  # the Rasa server's interface
    "RASA_PORT": "5005",
    "ACTION_HOST": "127.0.0.1",
    "ACTION_PORT": "5055",
    "WEB_PORT": "8080",  # the demo page with the chat widget
    "TRACKER_DB": "var/tracker.db",
}


class SettingsError(ValueError):
    """A setting has a value we cannot use."""


def number(
    env: Mapping[str, str],
    name: str,
    default: float,
    low: float,
    high: float,
    *,
    whole: bool = False,
    above_low: bool = False,
) -> float:
    """A numeric setting: `default` when unset or blank, else a number in [low, high] (low excluded
    with `above_low`; a whole number with `whole`); anything else is a SettingsError naming the
    variable."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise SettingsError(
            f"{name} must be a {'whole number' if whole else 'number'}, got {raw!r}"
        ) from None
    if not (low < value if above_low else low <= value) or value > high:
        bound = "above" if above_low else "at least"
        raise SettingsError(f"{name} must be {bound} {low} and at most {high}, got {value}")
    return value


def server(env: Mapping[str, str], name: str) -> str:
    """A host or port: the environment's, else SERVER_DEFAULTS'."""
    return env.get(name) or SERVER_DEFAULTS[name]


# ---------------------------------------------------------------- the action server
@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path
    # Article URLs in the knowledge base are paths; this is the site they live on.
    articles_base_url: str
    # The answer action answers only when the best FAQ candidate is at least this confident...
    answer_threshold: float
    # ...and at least this far ahead of the second; otherwise it asks "Did you mean ...?". Its
    # views of the message must agree too, the nearest training example included unless the best
    # candidate is at least sure_threshold likely.
    ambiguity_margin: float
    sure_threshold: float
    # Candidates below this confidence are never offered as suggestions...
    suggestion_threshold: float
    # ...and the ones offered must together be at least this likely.
    offer_threshold: float
    # Out of scope this likely is declined without offering anything.
    decline_threshold: float
    max_suggestions: int = 3


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    return Settings(
        knowledge_dir=Path(env.get("KNOWLEDGE_DIR") or PROJECT_ROOT / "data" / "knowledge"),
        articles_base_url=(
            env.get("ARTICLES_BASE_URL") or "https://www.example-training.co.uk"
        ).rstrip("/"),
        answer_threshold=number(env, "FAQ_ANSWER_THRESHOLD", 0.4, 0.0, 1.0),
        ambiguity_margin=number(env, "FAQ_AMBIGUITY_MARGIN", 0.1, 0.0, 1.0),
        sure_threshold=number(env, "FAQ_SURE_THRESHOLD", 0.8, 0.0, 1.0),
        suggestion_threshold=number(env, "FAQ_SUGGESTION_THRESHOLD", 0.02, 0.0, 1.0),
        offer_threshold=number(env, "FAQ_OFFER_THRESHOLD", 0.2, 0.0, 1.0),
        decline_threshold=number(env, "FAQ_DECLINE_THRESHOLD", 0.5, 0.0, 1.0),
    )


# ---------------------------------------------------------------- the Rasa server
def action_timeout(env: Mapping[str, str] = os.environ) -> float:
    """Seconds the Rasa server waits for the action server before apologising (Rasa's own: 300)."""
    return number(env, "ACTION_TIMEOUT", 5.0, 0, 300, above_low=True)


def tracker_cache_size(env: Mapping[str, str] = os.environ) -> int:
    """Conversations the tracker store keeps in memory between messages (0: none)."""
    return number(env, "TRACKER_CACHE_SIZE", 1000, 0, 10_000_000, whole=True)


def db_connect_timeout(env: Mapping[str, str] = os.environ) -> int:
    """Seconds a PostgreSQL connection attempt may take."""
    return number(env, "DB_CONNECT_TIMEOUT", 5, 1, 300, whole=True)


def max_message_chars(env: Mapping[str, str] = os.environ) -> int:
    """The longest message the REST and socket.io channels take in."""
    return number(env, "MAX_MESSAGE_CHARS", 2000, 1, 1_000_000, whole=True)


def cors_origins(env: Mapping[str, str] = os.environ) -> Optional[List[str]]:
    """CORS_ORIGINS, space-separated; None (no check) when unset or empty."""
    return env.get("CORS_ORIGINS", "").split() or None


def shell_defaults() -> str:
    """`: "${NAME:=default}"` lines, then one export, for the launchers to source."""
    lines = [f': "${{{name}:={value}}}"' for name, value in SERVER_DEFAULTS.items()]
    return "\n".join(lines + ["export " + " ".join(SERVER_DEFAULTS)]) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["--shell"]:
        sys.exit("usage: python -m core.settings --shell")
    sys.stdout.write(shell_defaults())
