"""The intent classifier: words and meaning, and the question inside a long message.

Reads the count features of the featurisers before it (components/featurizer.py) and the sentence
embedding of components/sentence_encoder.py, and ranks the intents with components/faq_model.py.
Besides Rasa's `intent` and `intent_ranking` it adds `evidence` to the parse:

    {"agree": true, "similarity": 0.71, "views": {"words": "faq_become_pm", "meaning": ...,
    "nearest": ...},
     "second_question": {"name": "faq_pm_salary", "confidence": 0.8}}

`agree`: both views and the nearest training example name the top intent (the answer action answers
only then); `similarity`: how close the nearest training example is; `second_question`: another
question of the message that asks for a different entry ("Is it stressful? And does it pay well?"),
which the answer action offers as a button.

A message without features ("   ") gets no intent, so FallbackClassifier turns it into nlu_fallback
and the user a polite reply (Rasa's own classifier raised inside scikit-learn).
"""

import json
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.faq_model import FaqModel
from components.sentence_encoder import QUESTION_EMBEDDINGS

logger = logging.getLogger(__name__)
EVIDENCE = "evidence"
FAQ_PREFIX = "faq_"


def _features(message: Message) -> Tuple[List[scipy.sparse.spmatrix], Optional[np.ndarray]]:
    """The message's sparse sentence features (one block per featuriser, in pipeline order) and its
    dense sentence embedding."""
    sparse, dense = [], None
    for f in message.features:
        if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE:
            if f.is_sparse():
                sparse.append(f.features)
            else:
                dense = np.asarray(f.features, dtype=np.float32).ravel()
    return sparse, dense


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C_sparse": 10.0,  # inverse regularisation of each view's logistic regression
            "C_dense": 10.0,
            # The words view's share of the ranking; the meaning view has the rest.
            "sparse_weight": 0.3,
            "second_question_floor": 0.5,  # how sure a second question must be to be offered
            "max_iter": 3000,
            "random_state": 2024,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[FaqModel] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        rows = [_features(e) for e in examples]
        keep = [i for i, (sparse, dense) in enumerate(rows) if sparse and dense is not None]
        if not keep:
            logger.debug("no training examples with features; the classifier stays untrained")
            return self._resource
        blocks = [
            scipy.sparse.vstack([rows[i][0][b] for i in keep]).tocsr()
            for b in range(len(rows[keep[0]][0]))
        ]
        dense = np.vstack([rows[i][1] for i in keep])
        c = self.config
        self.model = FaqModel.fit(
            blocks,
            dense,
            [examples[i].get(INTENT) for i in keep],
            C_sparse=c["C_sparse"],
            C_dense=c["C_dense"],
            sparse_weight=c["sparse_weight"],
            max_iter=c["max_iter"],
            random_state=c["random_state"],
        )
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            sparse, dense = _features(message)
            if self.model is None or dense is None or not any(f.nnz for f in sparse):
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            prediction = self.model.predict(scipy.sparse.hstack(sparse).tocsr(), dense)
            p, classes = prediction.probabilities, self.model.classes
            order = np.argsort(-p, kind="stable")[: self.config["ranking_length"] or None]
            ranking = [{"name": classes[i], "confidence": float(p[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            views = {
                "words": classes[prediction.words],
                "meaning": classes[prediction.meaning],
                "nearest": classes[prediction.nearest],
            }
            evidence = {
                "agree": prediction.agree,
                "similarity": round(prediction.similarity, 4),
                "views": views,
            }
            second = self.model.second_question(
                message.get(QUESTION_EMBEDDINGS, np.zeros((0, 1))),
                int(order[0]),
                self.config["second_question_floor"],
            )
            if (
                second
                and classes[second[0]].startswith(FAQ_PREFIX)
                and classes[order[0]].startswith(FAQ_PREFIX)
            ):
                evidence["second_question"] = {
                    "name": classes[second[0]],
                    "confidence": round(second[1], 4),
                }
            message.set(EVIDENCE, evidence, add_to_output=True)
        return messages

    # ---------------------------------------------------------------- storage: arrays, no pickles
    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / "model.npz", **self.model.arrays())
            meta = {"classes": self.model.classes, "sparse_weight": self.model.sparse_weight}
            (directory / "model.json").write_text(json.dumps(meta))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "FaqIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "model.json").read_text())
                with np.load(directory / "model.npz", allow_pickle=False) as arrays:
                    model = FaqModel(
                        meta["classes"],
                        {k: arrays[k] for k in FaqModel.ARRAYS},
                        meta["sparse_weight"],
                    )
        except (ValueError, FileNotFoundError):
            logger.debug("no trained intent classifier in %s", resource.name)
            model = None
        return cls(config, model_storage, resource, model)
