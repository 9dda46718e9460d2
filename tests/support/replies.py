"""Replies as tests look at them: the marker at the end of a reply, and what the answer action
sends."""

from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerFaq
from tests.support.trackers import make_tracker


async def bot_messages(kb, settings, text, ranking):
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq(kb=kb, settings=settings).run(dispatcher, make_tracker(text, ranking), {})
    return dispatcher.messages


def marker(messages):
    """The reply's one `custom` marker (actions/replies.py: every reply ends with one)."""
    customs = [m["custom"] for m in messages if "custom" in m]
    assert len(customs) == 1, messages
    return customs[0]
