"""The Action classes the Rasa server calls: read the tracker, call the pure modules, emit
events."""

import logging
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import dialogue
from actions.conversation import Context, Mentions, Outcome
from actions.replies import Message, fallback_messages
from actions.understanding import ANSWER, CLARIFY, OUT_OF_SCOPE, decide
from core.knowledge import KnowledgeBase, load_knowledge_base
from core.settings import Settings, load_settings

logger = logging.getLogger(__name__)

# Loaded once, when the action server imports this package: a broken knowledge base stops the
# server at start-up with the list of problems, instead of failing on a user's question.
SETTINGS: Settings = load_settings()
KNOWLEDGE_BASE: KnowledgeBase = load_knowledge_base(SETTINGS.knowledge_dir)


def _send(dispatcher: CollectingDispatcher, messages: List[Message]) -> None:
    for message in messages:
        dispatcher.utter_message(**message)


def _slot_events(outcome: Outcome, tracker: Tracker) -> List[Dict[Text, Any]]:
    """SlotSet events for the slots whose value changes."""
    return [
        SlotSet(name, value)
        for name, value in outcome.slots.items()
        if tracker.get_slot(name) != value
    ]


class _ContextAction(Action, metaclass=ABCMeta):
    """An action that answers from the knowledge base in the context of the conversation."""

    def __init__(self, kb: KnowledgeBase = None, settings: Settings = None) -> None:
        self.kb = kb or KNOWLEDGE_BASE
        self.settings = settings or SETTINGS

    # Abstract, so rasa_sdk does not register this base class as an action of its own.
    @abstractmethod
    def outcome(self, tracker: Tracker, mentions: Mentions, context: Context) -> Outcome:
        """What to say and which slots to set."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        mentions = Mentions.from_entities(
            (tracker.latest_message or {}).get("entities") or [], self.kb
        )
        context = Context.from_slots(tracker.current_slot_values())
        outcome = self.outcome(tracker, mentions, context)
        _send(dispatcher, outcome.messages)
        return _slot_events(outcome, tracker)


class ActionAnswerFaq(_ContextAction):
    """Answers a knowledge-base question for the role and place asked about, or asks which one was
    meant, or says it is out of scope."""

    def name(self) -> Text:
        return "action_answer_faq"

    def outcome(self, tracker: Tracker, mentions: Mentions, context: Context) -> Outcome:
        decision = decide(tracker.latest_message or {}, self.settings)
        if decision.kind == ANSWER:
            entry = self.kb.entry(decision.faq_id)
            if entry is None:
                # Only if the model and the knowledge base disagree (a model trained on an older
                # knowledge base).
                logger.warning(
                    "no knowledge-base entry %r; is the model out of date?", decision.faq_id
                )
                return Outcome(fallback_messages())
            answered = dialogue.answer(
                self.kb, self.settings.articles_base_url, entry, mentions, context
            )
            if decision.also_asked:
                return dialogue.also_asked(
                    self.kb, answered, decision.also_asked, mentions, context
                )
            return answered
        if decision.kind == CLARIFY:
            return dialogue.clarify(self.kb, decision.candidates, mentions, context)
        if decision.kind == OUT_OF_SCOPE:
            return Outcome([{"response": "utter_out_of_scope"}])
        return Outcome(fallback_messages())


class ActionAnswerFollowUp(_ContextAction):
    """ "what about programme managers?", "and in the UK?", "what about PMP?" """

    def name(self) -> Text:
        return "action_answer_follow_up"

    def outcome(self, tracker: Tracker, mentions: Mentions, context: Context) -> Outcome:
        return dialogue.follow_up(self.kb, self.settings.articles_base_url, mentions, context)


class ActionCompareRoles(_ContextAction):
    """ "which one pays more?" after two roles were discussed."""

    def name(self) -> Text:
        return "action_compare_roles"

    def outcome(self, tracker: Tracker, mentions: Mentions, context: Context) -> Outcome:
        return dialogue.compare(self.kb, mentions, context)


class ActionTellMore(_ContextAction):
    """ "tell me more" about the last answer."""

    def name(self) -> Text:
        return "action_tell_more"

    def outcome(self, tracker: Tracker, mentions: Mentions, context: Context) -> Outcome:
        return dialogue.tell_more(self.kb, self.settings.articles_base_url, context)


class ActionListArticles(_ContextAction):
    """ "any articles on that?" """

    def name(self) -> Text:
        return "action_list_articles"

    def outcome(self, tracker: Tracker, mentions: Mentions, context: Context) -> Outcome:
        return dialogue.list_articles(self.kb, self.settings.articles_base_url, context)


class ActionCiteSources(_ContextAction):
    """ "why?" / "where is that from?" about the last answer: the sources it rests on."""

    def name(self) -> Text:
        return "action_cite_sources"

    def outcome(self, tracker: Tracker, mentions: Mentions, context: Context) -> Outcome:
        return dialogue.cite_sources(self.kb, context)


class ActionDefaultFallback(Action):
    """Replaces Rasa's default (which is silent without an utter_default): never leave a message
    unanswered."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        _send(dispatcher, fallback_messages())
        # Like Rasa's own: undo the user message so the unexpected turn does not shape later
        # predictions.
        return [UserUtteranceReverted()]
