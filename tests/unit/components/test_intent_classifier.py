"""components/intent_classifier.py and components/sentence_encoder.py as Rasa runs them: trained
from messages with features, persisted as arrays and loaded again, with `evidence` in the parse; a
message without features gets no intent, so it falls back."""

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.intent_classifier import EVIDENCE, FaqIntentClassifier
from components.sentence_encoder import QUESTION_EMBEDDINGS, SentenceEncoderFeaturizer

EXAMPLES = [
    ("how do I become a PM", "faq_become_pm"),
    ("how to start as a project manager", "faq_become_pm"),
    ("what do PMs earn", "faq_pm_salary"),
    ("project manager salary", "faq_pm_salary"),
    ("is it a stressful job", "faq_pm_stress"),
    ("is project management stressful", "faq_pm_stress"),
    ("hello there", "greet"),
    ("hi", "greet"),
]


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoderFeaturizer({}, "encoder")


def featurised(encoder, texts, intents=None, training=False):
    messages = [
        Message(data={TEXT: t, **({INTENT: i} if i else {})})
        for t, i in zip(texts, intents or [None] * len(texts))
    ]
    for m in messages:
        words = [w.lower() for w in m.get(TEXT).split()]
        vocab = sorted({w.lower() for t, _ in EXAMPLES for w in t.split()})
        row = np.array([[words.count(v) for v in vocab]], dtype=float)
        m.add_features(Features(scipy.sparse.coo_matrix(row), FEATURE_TYPE_SENTENCE, TEXT, "words"))
    if training:
        encoder.process_training_data(TrainingData(messages))
    else:
        encoder.process(messages)
    return messages


@pytest.fixture(scope="module")
def trained(encoder, tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("classifier")
    context = ExecutionContext(None, node_name="classifier")
    classifier = FaqIntentClassifier.create({"max_iter": 500}, storage, resource, context)
    messages = featurised(
        encoder, [t for t, _ in EXAMPLES], [i for _, i in EXAMPLES], training=True
    )
    classifier.train(TrainingData(messages))
    return FaqIntentClassifier.load({}, storage, resource, context)


def test_the_encoder_adds_a_dense_sentence_feature_and_question_embeddings(encoder):
    message = featurised(encoder, ["I'm a nurse. Is it stressful? And what does it pay?"])[0]
    dense = message.get_dense_features(TEXT)[1].features
    assert dense.shape == (1, 384) and np.linalg.norm(dense) == pytest.approx(1.0, abs=1e-4)
    assert message.get(QUESTION_EMBEDDINGS).shape == (2, 384)


def test_a_loaded_classifier_ranks_and_says_whether_its_views_agree(encoder, trained):
    message = featurised(encoder, ["what do project managers earn"])[0]
    trained.process([message])
    assert message.get(INTENT)["name"] == "faq_pm_salary"
    assert sum(r["confidence"] for r in message.get("intent_ranking")) == pytest.approx(1.0)
    evidence = message.get(EVIDENCE)
    assert set(evidence) >= {"agree", "similarity", "views"} and isinstance(evidence["agree"], bool)
    assert message.as_dict(only_output_properties=True)[EVIDENCE] == evidence  # reaches the parse


def test_a_second_question_is_reported(encoder, trained):
    trained.config["second_question_floor"] = 0.0
    message = featurised(encoder, ["Is being a PM a stressful job? And what do PMs earn?"])[0]
    trained.process([message])
    first = message.get(INTENT)["name"]
    second = message.get(EVIDENCE).get("second_question")
    assert second and second["name"].startswith("faq_") and second["name"] != first


def test_a_message_without_features_gets_no_intent(encoder, trained):
    message = featurised(encoder, ["   "])[0]
    trained.process([message])
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
