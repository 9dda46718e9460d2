"""The intent says what is asked, the entity says for whom: some topics have a page question of
their own per role ("Are project managers in demand?", "Are IT project managers in demand?"), and
the classifier splits its confidence between them ("lots of IT PM vacancies?" got 0.31 demand and
0.17 IT demand, so FallbackClassifier found it ambiguous). When a message names exactly one role
other than project manager that has its own entry in the topic, the topic's confidence goes to that
entry. A message naming only project managers, or none, is left as the classifier ranked it.

Which entry belongs to which (topic, role) is read from the knowledge base when the model is trained
and stored with the model. Runs after the intent classifier, before FallbackClassifier.
"""

import json
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.intent_classifier import EVIDENCE
from core.knowledge import faq_intent, load_knowledge_base
from core.knowledge.ids import PROJECT_MANAGER
from core.mentions import ROLE
from core.settings import load_settings

TopicRoles = Dict[str, Dict[str, str]]  # topic -> role -> the faq_<id> intent of its own entry


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RoleIntentResolver(GraphComponent, IntentClassifier):
    def __init__(
        self, model_storage: ModelStorage, resource: Resource, topics: Optional[TopicRoles] = None
    ) -> None:
        self._model_storage, self._resource = model_storage, resource
        self.topics: TopicRoles = topics or {}
        self.topic_of = {i: t for t, roles in self.topics.items() for i in roles.values()}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RoleIntentResolver":
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        kb = load_knowledge_base(load_settings().knowledge_dir)
        topics: TopicRoles = {}
        for entry in kb.intent_entries:
            if faq_intent(entry.id) in training_data.intents:
                topics.setdefault(entry.topic, {})[entry.role] = faq_intent(entry.id)
        self.__init__(
            self._model_storage,
            self._resource,
            {t: roles for t, roles in sorted(topics.items()) if len(roles) > 1},
        )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "topics.json").write_text(json.dumps(self.topics, sort_keys=True))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RoleIntentResolver":
        try:
            with model_storage.read_from(resource) as directory:
                topics = json.loads((directory / "topics.json").read_text())
        except (ValueError, FileNotFoundError):
            topics = {}
        return cls(model_storage, resource, topics)

    def resolve(self, intent: Optional[str], roles: List[str]) -> Optional[str]:
        """The intent of the entry for the one role named, in `intent`'s topic; else `intent`."""
        own = self.topics.get(self.topic_of.get(intent or ""), {})
        named = {own[r] for r in roles if r in own}
        return named.pop() if len(named) == 1 else intent

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            roles = [
                e.get("value")
                for e in message.get(ENTITIES) or []
                if e.get("entity") == ROLE and e.get("value") != PROJECT_MANAGER
            ]
            ranking = message.get(INTENT_RANKING_KEY) or []
            if not roles or not ranking:
                continue
            merged: Dict[str, float] = {}
            for item in ranking:
                name = self.resolve(item["name"], roles)
                merged[name] = merged.get(name, 0.0) + item["confidence"]
            ranking = [
                {"name": name, "confidence": confidence}
                for name, confidence in sorted(merged.items(), key=lambda kv: -kv[1])
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            evidence = message.get(EVIDENCE)
            if evidence:
                views = {k: self.resolve(v, roles) for k, v in evidence["views"].items()}
                agree = set(views.values()) == {ranking[0]["name"]}
                message.set(EVIDENCE, {**evidence, "views": views, "agree": agree}, True)
        return messages
