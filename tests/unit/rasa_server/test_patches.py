"""rasa_server/patches.py: every patch is listed and applied once, only on the pinned Rasa, and
stock Rasa still behaves as each patch assumes (so the day Rasa changes, this says which patch to
revisit)."""

import jsonschema
import pytest
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from core.settings import PROJECT_ROOT as ROOT
from rasa_server import patches


@pytest.fixture(scope="module", autouse=True)
def installed():
    return patches.install()


def test_every_patch_is_installed_once_and_listed(installed):
    assert installed == [p.name for p in patches.PATCHES] == patches.install()
    assert set(patches.ORIGINALS) == set(installed)


def test_the_pin_in_requirements_is_the_one_the_patches_were_written_for():
    assert f"rasa[spacy]=={patches.PINNED_RASA}" in (ROOT / "requirements.txt").read_text()
    assert rasa.__version__ == patches.PINNED_RASA


def test_another_rasa_is_refused(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    with pytest.raises(patches.WrongRasaVersion, match="written for Rasa 3.6.21, found 3.6.22"):
        patches.install()


# ---------------------------------------------------------------- stock Rasa, as each patch assumes
def test_stock_rasa_waits_5_minutes_for_an_action():
    assert patches.ORIGINALS["bound_action_wait"] == 300


async def test_stock_rasa_raises_when_the_action_server_is_down_and_says_nothing():
    from rasa.shared.exceptions import RasaException

    stock_run = patches.ORIGINALS["apologise_when_actions_fail"]
    action = RemoteAction("action_answer_faq", EndpointConfig("http://127.0.0.1:9/webhook"))
    with pytest.raises(RasaException):
        await stock_run(action, None, None, DialogueStateTracker("u", []), Domain.empty())


def test_stock_rasa_sends_every_event_of_the_conversation():
    events = [ActionExecuted("action_listen")]
    for turn in range(5):
        events += [
            UserUttered(f"question {turn}"),
            ActionExecuted("action_answer_faq"),
            ActionExecuted("action_listen"),
        ]
    tracker = DialogueStateTracker.from_events("u", events)
    action = RemoteAction("action_answer_faq", EndpointConfig("http://x/webhook"))
    body = patches.ORIGINALS["send_current_turn_only"](action, tracker, Domain.empty())
    assert len(body["tracker"]["events"]) == len(tracker.events)


def test_stock_rasa_validates_with_jsonschema_validate_which_checks_the_schema_every_call(
    monkeypatch,
):
    calls = []
    original = jsonschema.validate
    monkeypatch.setattr(
        jsonschema, "validate", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs)
    )
    action = RemoteAction("action_answer_faq", None)
    for _ in range(2):
        patches.ORIGINALS["check_response_schema_once"](action, {"events": [], "responses": []})
    assert len(calls) == 2


def test_stock_rasa_falls_back_to_memory_when_the_database_fails():
    wrapped = patches.ORIGINALS["raise_tracker_store_errors"](
        InMemoryTrackerStore(Domain.empty()), Domain.empty()
    )
    assert isinstance(wrapped, FailSafeTrackerStore) and wrapped._on_tracker_store_error is None
    assert isinstance(wrapped.fallback_tracker_store, InMemoryTrackerStore)
    assert Agent._create_tracker_store is not patches.ORIGINALS["raise_tracker_store_errors"]
