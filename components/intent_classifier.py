"""Rasa 3.6's LogisticRegressionClassifier, safe for messages without any features.

A message with no tokens ("   ", "...") has no sentence features; the stock classifier then
raises inside scikit-learn and the REST channel answers with nothing at all. Such a message gets no
intent here, so FallbackClassifier turns it into nlu_fallback and the user gets a polite reply.
"""
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


def _has_features(message: Message) -> bool:
    sparse, dense = message.get_sparse_features(TEXT)[1], message.get_dense_features(TEXT)[1]
    return any(f is not None and f.features.shape[-1] > 0 and f.features.sum() != 0 for f in (sparse, dense))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    def process(self, messages: List[Message]) -> List[Message]:
        with_features, without = [], []
        for message in messages:
            (with_features if _has_features(message) else without).append(message)
        if with_features:
            super().process(with_features)
        for message in without:
            message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages
