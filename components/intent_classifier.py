"""Rasa 3.6's LogisticRegressionClassifier, safe for messages without features, and fast per
message.

Safe: a message with no tokens ("   ", "...") has no sentence features; the stock classifier then
raises inside scikit-learn and the REST channel answers with nothing at all. Such a message gets no
intent here, so FallbackClassifier turns it into nlu_fallback and the user gets a polite reply.

Fast: the stock `process` stacks each message's features into a new scipy matrix (twice, with our
emptiness check) and calls `predict_proba`, which multiplies by the transposed weight matrix and so
copies all of it (features x intents) on every message: 23% of the Rasa server's CPU under load.
Here the weights are transposed once, and a message's scores are the weight rows of its non-zero
features. The probabilities are the same as scikit-learn's (multinomial softmax; a unit test
compares them), so the model and its training are unchanged.

`C` (inverse regularisation strength, scikit-learn's default 1.0) is configurable here; the stock
component fixes it.
"""

from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def _sentence_features(message: Message) -> Tuple[list, bool]:
    """The message's sparse sentence features in the order Rasa stacks them, and whether any are
    dense."""
    sparse, dense = [], False
    for f in message.features:
        if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE:
            if f.is_sparse():
                sparse.append(f.features)
            else:
                dense = True
    return sparse, dense


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(
        self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.C = float(self.config["C"])
        self._weights: Optional[Tuple[np.ndarray, np.ndarray]] = None

    def train(self, training_data: TrainingData) -> Resource:
        self._weights = None  # weights transposed from an earlier fit are stale
        return super().train(training_data)

    def _fast_weights(self) -> Optional[Tuple[np.ndarray, np.ndarray]]:
        """(features x intents weights, intercepts) when predict_proba is a multinomial softmax,
        else None."""
        clf = self.clf
        if self._weights is None and hasattr(
            clf, "coef_"
        ):  # unfitted: nothing to keep; scikit-learn says so
            multinomial = (
                len(clf.classes_) > 2
                and clf.multi_class in ("auto", "multinomial")
                and clf.solver != "liblinear"
            )
            self._weights = (
                (np.ascontiguousarray(clf.coef_.T), clf.intercept_.copy()) if multinomial else ()
            )
        return self._weights or None

    def _probabilities(
        self, message: Message, weights: Tuple[np.ndarray, np.ndarray]
    ) -> Optional[np.ndarray]:
        """Softmax of the message's scores; None when it has no features at all."""
        matrix, intercept = weights
        blocks, dense = _sentence_features(message)
        if dense:
            raise _NeedsStockPath()
        scores, offset, any_feature = intercept.copy(), 0, False
        for block in blocks:
            coo = block.tocoo()
            nonzero = coo.data != 0
            if nonzero.any():
                any_feature = True
                scores += coo.data[nonzero] @ matrix[offset + coo.col[nonzero]]
            offset += coo.shape[1]
        if offset != matrix.shape[0]:
            # features do not line up with the weights: let scikit-learn say so
            raise _NeedsStockPath()
        if not any_feature:
            return None
        scores -= scores.max()
        np.exp(scores, out=scores)
        return scores / scores.sum()

    def process(self, messages: List[Message]) -> List[Message]:
        weights = self._fast_weights()
        for message in messages:
            try:
                probabilities = (
                    self._probabilities(message, weights) if weights else _stock(self, message)
                )
            except _NeedsStockPath:
                probabilities = _stock(self, message)
            if probabilities is None:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            order = np.argsort(-probabilities, kind="stable")
            ranking = [
                {"name": str(self.clf.classes_[i]), "confidence": float(probabilities[i])}
                for i in order
            ]
            if self.config["ranking_length"] > 0:
                ranking = ranking[: self.config["ranking_length"]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


class _NeedsStockPath(Exception):
    """The fast path does not apply to this message (dense features, or a shape mismatch)."""


def _stock(classifier: LogisticRegressionClassifier, message: Message) -> Optional[np.ndarray]:
    """scikit-learn's own predict_proba for one message; None when it has no features at all."""
    sparse, dense = message.get_sparse_features(TEXT)[1], message.get_dense_features(TEXT)[1]
    if not any(
        f is not None and f.features.shape[-1] > 0 and f.features.sum() != 0
        for f in (sparse, dense)
    ):
        return None
    return classifier.clf.predict_proba(classifier._create_X([message]))[0]
