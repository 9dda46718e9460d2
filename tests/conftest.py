"""Fixtures shared by all tests: the knowledge base, settings, and a tracker factory (rasa-sdk style)."""
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.knowledge import load_knowledge_base  # noqa: E402
from actions.settings import load_settings  # noqa: E402

KNOWLEDGE_DIR = ROOT / "data" / "knowledge"


@pytest.fixture(scope="session")
def kb():
    return load_knowledge_base(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def settings():
    return load_settings({"ARTICLES_BASE_URL": "https://training.example"})


@pytest.fixture
def kb_copy(tmp_path):
    """A writable copy of the knowledge base directory, to break in tests."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def make_tracker(text: str, ranking: List[tuple], slots: Optional[Dict[str, Any]] = None, entities: Optional[Dict[str, Any]] = None):
    """A rasa_sdk Tracker whose latest message looks like what Rasa's NLU sends the action server.

    `ranking` is [(intent, confidence), ...], best first: the first is the predicted intent.
    `entities` is {entity type: canonical value or [values]}, in the order written."""
    from rasa_sdk import Tracker

    intent, confidence = ranking[0]
    latest: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [
            {"entity": kind, "value": value, "start": i, "end": i + 1}
            for i, (kind, value) in enumerate((k, v) for k, vs in (entities or {}).items() for v in (vs if isinstance(vs, list) else [vs]))
        ],
    }
    return Tracker("test-user", slots or {}, latest, [], False, None, {}, "action_listen")


@pytest.fixture
def tracker_for():
    return make_tracker
