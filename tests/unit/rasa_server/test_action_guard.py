"""rasa_server/action_guard.py: a bounded wait for the action server, and an apology when a call
fails."""

from core import texts
from rasa_server import patches


def test_rasa_waits_at_most_the_timeout():
    import rasa.core.actions.action as rasa_action
    import rasa.utils.endpoints as rasa_endpoints

    patches.install()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == rasa_endpoints.DEFAULT_REQUEST_TIMEOUT == 5.0


async def test_the_guard_turns_an_unreachable_action_server_into_an_apology():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    patches.install()
    action = RemoteAction(
        "action_answer_faq", EndpointConfig("http://127.0.0.1:9/webhook")
    )  # port 9: nothing listens
    events = await action.run(None, None, DialogueStateTracker("u", []), Domain.empty())
    assert [e.text for e in events] == [texts.UNAVAILABLE]
    assert events[0].data["custom"] == {"type": "unavailable"}
