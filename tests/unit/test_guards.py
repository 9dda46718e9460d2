"""The action guard and the REST channel's limits read their settings strictly."""
import pytest

from channels.limits import max_message_chars, too_long_text
from components import action_guard


def test_action_timeout_defaults_to_5_seconds_and_refuses_nonsense():
    assert action_guard.action_timeout({}) == 5.0
    assert action_guard.action_timeout({"ACTION_TIMEOUT": "2.5"}) == 2.5
    for bad in ("soon", "0", "-1", "301"):
        with pytest.raises(ValueError, match="ACTION_TIMEOUT"):
            action_guard.action_timeout({"ACTION_TIMEOUT": bad})


def test_rasa_waits_at_most_the_timeout_and_a_failed_call_becomes_an_apology():
    import rasa.core.actions.action as rasa_action
    import rasa.utils.endpoints as rasa_endpoints

    action_guard.install()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == rasa_endpoints.DEFAULT_REQUEST_TIMEOUT == 5.0
    assert rasa_action.RemoteAction.run.pathfinder_guarded


async def test_the_guard_turns_an_unreachable_action_server_into_an_apology():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    action_guard.install()
    action = RemoteAction("action_answer_faq", EndpointConfig("http://127.0.0.1:9/webhook"))  # port 9: nothing listens
    events = await action.run(None, None, DialogueStateTracker("u", []), Domain.empty())
    assert [e.text for e in events] == [action_guard.UNAVAILABLE_TEXT]
    assert events[0].data["custom"] == {"type": "unavailable"}


def test_max_message_chars():
    assert max_message_chars({}) == 2000
    assert max_message_chars({"MAX_MESSAGE_CHARS": "500"}) == 500
    for bad in ("0", "-3", "lots"):
        with pytest.raises(ValueError, match="MAX_MESSAGE_CHARS"):
            max_message_chars({"MAX_MESSAGE_CHARS": bad})
    assert too_long_text(2000) == "Sorry, that message is too long for me. Please keep it under 2,000 characters."
