"""All configuration read from the environment, in one place.

Every variable is listed, with its default, in .env.example.
"""
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value we cannot use."""


def number(env: Mapping[str, str], name: str, default: float, low: float, high: float, *,
           whole: bool = False, above_low: bool = False) -> float:
    """A numeric setting: `default` when unset or blank, else a number in [low, high] (low excluded
    with `above_low`; a whole number with `whole`); anything else is a SettingsError naming the variable.
    The Rasa-side settings (ACTION_TIMEOUT, TRACKER_CACHE_SIZE, DB_CONNECT_TIMEOUT) use it too."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a {'whole number' if whole else 'number'}, got {raw!r}") from None
    if not (low < value if above_low else low <= value) or value > high:
        raise SettingsError(f"{name} must be {'above' if above_low else 'at least'} {low} and at most {high}, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path
    # Article URLs in the knowledge base are paths; this is the site they live on.
    articles_base_url: str
    # The answer action answers only when the best FAQ candidate is at least this confident...
    answer_threshold: float
    # ...and at least this far ahead of the second; otherwise it asks "Did you mean ...?".
    ambiguity_margin: float
    # Candidates below this confidence are never offered as suggestions.
    suggestion_threshold: float
    max_suggestions: int = 3


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    return Settings(
        knowledge_dir=Path(env.get("KNOWLEDGE_DIR") or PROJECT_ROOT / "data" / "knowledge"),
        articles_base_url=(env.get("ARTICLES_BASE_URL") or "https://www.example-training.co.uk").rstrip("/"),
        answer_threshold=number(env, "FAQ_ANSWER_THRESHOLD", 0.5, 0.0, 1.0),
        ambiguity_margin=number(env, "FAQ_AMBIGUITY_MARGIN", 0.1, 0.0, 1.0),
        suggestion_threshold=number(env, "FAQ_SUGGESTION_THRESHOLD", 0.1, 0.0, 1.0),
    )
