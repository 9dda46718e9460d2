"""Extracts roles, places, certifications and topics by the knowledge base's synonym lists.

Rasa's RegexEntityExtractor, with the matching rules of core/mentions.py: whole words, the
longest of overlapping mentions ("IT project manager" is not also a "project manager"), and
capitalised synonyms matched only in capitals ("US" the country, not "us"). The stock extractor
returns every overlapping match and matches all synonyms in any case.

The lookup tables come from data/generated/nlu/entities.yml (generated from data/knowledge/); Rasa's
EntitySynonymMapper then turns each mention into its canonical id ("program mgr" ->
programme_manager).
"""

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.regex_entity_extractor import RegexEntityExtractor
from rasa.shared.nlu.constants import (
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from core.mentions import MentionFinder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class KnowledgeEntityExtractor(RegexEntityExtractor):
    def train(self, training_data: TrainingData) -> Resource:
        # Stored as the parent stores its patterns ({name, pattern}), one surface form per item,
        # for the lookup tables of entities that the training data annotates.
        annotated = training_data.entities
        self.patterns = [
            {"name": table["name"], "pattern": element}
            for table in sorted(training_data.lookup_tables, key=lambda t: t["name"])
            if table["name"] in annotated
            for element in table["elements"]
        ]
        self._finder = None
        self.persist()
        return self._resource

    def _extract_entities(self, message: Message) -> List[Dict[Text, Any]]:
        if getattr(self, "_finder", None) is None:
            forms: Dict[str, List[str]] = {}
            for pattern in self.patterns:
                forms.setdefault(pattern["name"], []).append(pattern["pattern"])
            self._finder = MentionFinder(forms)
        return [
            {
                ENTITY_ATTRIBUTE_TYPE: m.entity,
                ENTITY_ATTRIBUTE_START: m.start,
                ENTITY_ATTRIBUTE_END: m.end,
                ENTITY_ATTRIBUTE_VALUE: m.text,
            }
            for m in self._finder.find(message.get(TEXT) or "")
        ]
