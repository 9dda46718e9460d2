"""rasa-sdk Trackers whose latest message looks like what Rasa's NLU sends the action server."""

from typing import Any, Dict, List, Optional


def make_tracker(
    text: str,
    ranking: List[tuple],
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[Dict[str, Any]] = None,
):
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
            for i, (kind, value) in enumerate(
                (k, v)
                for k, vs in (entities or {}).items()
                for v in (vs if isinstance(vs, list) else [vs])
            )
        ],
    }
    return Tracker("test-user", slots or {}, latest, [], False, None, {}, "action_listen")
