"""Every change this project makes to Rasa's own code, in one place.

Rasa 3.6.21 has no setting for any of these. `install()` applies them all, once per process, and
only on the Rasa it was written for: `python -m rasa_server` (what scripts/servers.sh starts) calls
it before handing over to Rasa's command line. Each patch has a test
(tests/unit/rasa_server/test_patches.py) that stock Rasa still behaves as the patch assumes, so the
day Rasa changes, a test says which patch to revisit.
"""

from dataclasses import dataclass
from typing import Callable, Dict, List

PINNED_RASA = "3.6.21"


@dataclass(frozen=True)
class Patch:
    name: str
    replaces: str  # what in Rasa it changes
    why: str
    apply: Callable[[], None]


# What each patch replaced, by patch name, so tests can still call Rasa's own.
ORIGINALS: Dict[str, object] = {}
_installed: List[str] = []


def _bound_action_wait() -> None:
    import rasa.core.actions.action as rasa_action
    import rasa.utils.endpoints as rasa_endpoints

    from core.settings import action_timeout

    ORIGINALS["bound_action_wait"] = rasa_action.DEFAULT_REQUEST_TIMEOUT
    timeout = action_timeout()
    # Both modules import the constant by name; their call sites read these module globals.
    rasa_action.DEFAULT_REQUEST_TIMEOUT = timeout
    rasa_endpoints.DEFAULT_REQUEST_TIMEOUT = timeout


def _apologise_when_actions_fail() -> None:
    from rasa.core.actions.action import RemoteAction

    from rasa_server.action_guard import guarded

    ORIGINALS["apologise_when_actions_fail"] = RemoteAction.run
    RemoteAction.run = guarded(RemoteAction.run)


def _send_current_turn_only() -> None:
    from rasa.core.actions.action import RemoteAction

    from rasa_server.action_calls import trimmed_call_format

    ORIGINALS["send_current_turn_only"] = RemoteAction._action_call_format
    RemoteAction._action_call_format = trimmed_call_format


def _check_response_schema_once() -> None:
    from rasa.core.actions.action import RemoteAction

    from rasa_server.action_calls import validate_action_result

    ORIGINALS["check_response_schema_once"] = RemoteAction._validate_action_result
    RemoteAction._validate_action_result = validate_action_result


def _raise_tracker_store_errors() -> None:
    from rasa.core.agent import Agent

    from stores.strict_sql import create_tracker_store

    ORIGINALS["raise_tracker_store_errors"] = Agent._create_tracker_store
    Agent._create_tracker_store = staticmethod(create_tracker_store(Agent._create_tracker_store))


PATCHES = (
    Patch(
        "bound_action_wait",
        "rasa.core.actions.action / rasa.utils.endpoints DEFAULT_REQUEST_TIMEOUT",
        "Rasa waits 300 s for the action server; ACTION_TIMEOUT (5 s) bounds it",
        _bound_action_wait,
    ),
    Patch(
        "apologise_when_actions_fail",
        "rasa.core.actions.action.RemoteAction.run",
        "a failed action call sends the user nothing; this sends an apology, on a pooled "
        "connection",
        _apologise_when_actions_fail,
    ),
    Patch(
        "send_current_turn_only",
        "rasa.core.actions.action.RemoteAction._action_call_format",
        "every call sends the whole conversation; our actions read only the current turn and the "
        "slots",
        _send_current_turn_only,
    ),
    Patch(
        "check_response_schema_once",
        "rasa.core.actions.action.RemoteAction._validate_action_result",
        "the response schema is checked against its meta-schema on every call",
        _check_response_schema_once,
    ),
    Patch(
        "raise_tracker_store_errors",
        "rasa.core.agent.Agent._create_tracker_store",
        "a database error falls back to a conversation in memory; with "
        "stores.StrictSQLTrackerStore it "
        "reaches the channel, which asks the user to send the message again",
        _raise_tracker_store_errors,
    ),
)


class WrongRasaVersion(RuntimeError):
    pass


def install() -> List[str]:
    """Applies every patch once; refuses to run on a Rasa other than PINNED_RASA. Returns the
    names."""
    import rasa

    if rasa.__version__ != PINNED_RASA:
        raise WrongRasaVersion(
            f"rasa_server/patches.py was written for Rasa {PINNED_RASA}, found {rasa.__version__}: "
            "check each patch against the new version (tests/unit/rasa_server/test_patches.py) "
            "before changing the pin"
        )
    for patch in PATCHES:
        if patch.name not in _installed:
            patch.apply()
            _installed.append(patch.name)
    return list(_installed)


def installed() -> List[str]:
    return list(_installed)
