"""Calls to the action server: one pooled HTTP session, and only the current turn's events sent
(rasa_server/action_calls.py)."""

import contextlib
import re

import pytest
from aiohttp import web

from core.settings import PROJECT_ROOT as ROOT
from rasa_server import patches
from rasa_server.action_calls import PooledEndpoint, trimmed_call_format

ACTIONS = ROOT / "actions"


def test_our_actions_read_only_the_latest_message_and_the_slots():
    """The action server is sent the current turn's events only; an action reading older events
    (tracker.events, get_last_event_for, ...) would need rasa_server/action_calls.py changed."""
    used = set()
    for path in ACTIONS.glob("*.py"):
        used |= set(re.findall(r"\btracker\.(\w+)", path.read_text()))
    assert used <= {"latest_message", "get_slot", "current_slot_values", "slots"}, used


def test_the_action_server_gets_the_current_turn_the_slots_and_the_latest_message():
    import rasa.core.actions.action as rasa_action
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.slots import TextSlot
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    patches.install()
    assert rasa_action.RemoteAction._action_call_format is trimmed_call_format
    slot = TextSlot("role", mappings=[{"type": "custom"}])
    events = [ActionExecuted("action_listen")]
    for turn in range(50):  # a long conversation
        events += [
            UserUttered(f"question {turn}", {"name": "faq_pm_salary", "confidence": 0.9}),
            ActionExecuted("action_answer_faq"),
            SlotSet("role", "pmo"),
            ActionExecuted("action_listen"),
        ]
    events += [UserUttered("and scrum masters?", {"name": "faq_pm_salary", "confidence": 0.8})]
    tracker = DialogueStateTracker.from_events("u", events, slots=[slot])
    action = rasa_action.RemoteAction(
        "action_answer_faq", EndpointConfig("http://x/webhook", enable_selective_domain=True)
    )

    body = action._action_call_format(tracker, Domain.empty())

    state = body["tracker"]
    assert [e["event"] for e in state["events"]] == ["user"]  # not the 200 events before it
    assert state["latest_message"]["text"] == "and scrum masters?"
    assert state["slots"]["role"] == "pmo"
    assert (
        body["next_action"] == "action_answer_faq"
        and body["sender_id"] == "u"
        and "domain" not in body
    )
    # everything else is what Rasa itself sends
    full = tracker.current_state()
    assert {k: v for k, v in state.items() if k != "events"} == {
        k: v for k, v in full.items() if k != "events"
    }


@contextlib.asynccontextmanager
async def action_server():
    """A tiny HTTP server that notes the connection of each call (in the test's own event loop)."""
    peers = []

    async def webhook(request):
        peers.append(request.transport.get_extra_info("peername"))
        if request.query.get("token") != "t":
            return web.json_response({"error": "unauthorised"}, status=401)
        return web.json_response({"events": [], "responses": [], "got": await request.json()})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/webhook", peers, runner
    await runner.cleanup()


async def test_calls_reuse_one_connection_and_keep_rasas_errors():
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    async with action_server() as (url, peers, _):
        endpoint = PooledEndpoint.from_endpoint(
            EndpointConfig(url, token="t", enable_selective_domain=True)
        )
        assert endpoint.kwargs == {"enable_selective_domain": True}
        for n in range(5):
            assert (await endpoint.request(json={"n": n}, method="post"))["got"] == {"n": n}
        assert len(peers) == 5 and len(set(peers)) == 1  # one keep-alive connection for all five
        wrong = PooledEndpoint.from_endpoint(EndpointConfig(url, token="wrong"))
        with pytest.raises(ClientResponseError) as refused:
            await wrong.request(json={}, method="post")
        assert refused.value.status == 401
        await endpoint.close()
        await wrong.close()


async def test_a_connection_the_server_closed_is_replaced():
    from rasa.utils.endpoints import EndpointConfig

    async with action_server() as (url, peers, runner):
        endpoint = PooledEndpoint.from_endpoint(EndpointConfig(url, token="t"))
        await endpoint.request(json={}, method="post")
        for connection in list(
            runner.server.connections
        ):  # the server drops its idle keep-alive connection
            connection.force_close()
        assert (await endpoint.request(json={"again": 1}, method="post"))["got"] == {"again": 1}
        assert len(set(peers)) == 2
        await endpoint.close()


def test_action_responses_are_validated_as_rasa_validates_them():
    import jsonschema
    import rasa.core.actions.action as rasa_action
    from rasa.utils.endpoints import EndpointConfig

    patches.install()
    action = rasa_action.RemoteAction("action_answer_faq", EndpointConfig("http://x/webhook"))
    good = {
        "events": [{"event": "slot", "name": "role", "value": "pmo", "timestamp": None}],
        "responses": [{"text": "hi", "buttons": [], "custom": {"type": "faq_answer"}}],
    }
    assert action._validate_action_result(good) is True
    for bad in (
        {"events": [{"event": "slot", "name": 3}]},
        {"responses": "hi"},
        {"events": {"event": "slot"}},
    ):
        with pytest.raises(
            jsonschema.ValidationError, match="Failed to validate Action server response"
        ) as ours:
            action._validate_action_result(bad)
        with pytest.raises(jsonschema.ValidationError) as rasas:
            jsonschema.validate(bad, action.action_response_format_spec())
        assert ours.value.message.startswith(rasas.value.message)
