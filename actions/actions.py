"""The Action classes the Rasa server calls: read the tracker, call the pure modules, emit events."""
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import KnowledgeBase, load_knowledge_base
from actions.replies import Message, answer_messages, clarify_messages, fallback_messages
from actions.settings import Settings, load_settings
from actions.understanding import ANSWER, CLARIFY, OUT_OF_SCOPE, decide

logger = logging.getLogger(__name__)

# Loaded once, when the action server imports this package: a broken knowledge base stops the
# server at start-up with the list of problems, instead of failing on a user's question.
SETTINGS: Settings = load_settings()
KNOWLEDGE_BASE: KnowledgeBase = load_knowledge_base(SETTINGS.knowledge_dir)


def _send(dispatcher: CollectingDispatcher, messages: List[Message]) -> None:
    for message in messages:
        dispatcher.utter_message(**message)


class ActionAnswerFaq(Action):
    """Answers a knowledge-base question, or asks which one was meant, or says it is out of scope."""

    def name(self) -> Text:
        return "action_answer_faq"

    def __init__(self, kb: KnowledgeBase = None, settings: Settings = None) -> None:
        self.kb = kb or KNOWLEDGE_BASE
        self.settings = settings or SETTINGS

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        decision = decide(tracker.latest_message or {}, self.settings)
        if decision.kind == ANSWER and self.kb.entry(decision.faq_id) is None:
            # Only if the model and the knowledge base disagree (a model trained on an older knowledge base).
            logger.warning("no knowledge-base entry %r; is the model out of date?", decision.faq_id)
            _send(dispatcher, fallback_messages())
            return []
        if decision.kind == ANSWER:
            entry = self.kb.entry(decision.faq_id)
            _send(dispatcher, answer_messages(self.kb, entry.id, self.settings.articles_base_url))
            return [SlotSet("faq_id", entry.id), SlotSet("topic", entry.topic), SlotSet("role", entry.role)]
        if decision.kind == CLARIFY:
            _send(dispatcher, clarify_messages(self.kb, decision.candidates))
            return []
        if decision.kind == OUT_OF_SCOPE:
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            _send(dispatcher, fallback_messages())
        return []


class ActionDefaultFallback(Action):
    """Replaces Rasa's default (which is silent without an utter_default): never leave a message unanswered."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        _send(dispatcher, fallback_messages())
        # Like Rasa's own: undo the user message so the unexpected turn does not shape later predictions.
        return [UserUtteranceReverted()]
