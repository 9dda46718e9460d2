"""components/intent_classifier.py: the fast per-message path gives scikit-learn's own
probabilities, and a message without features gets no intent (so it falls back) instead of an
exception."""

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from components.intent_classifier import SafeLogisticRegressionClassifier

WORDS, CHARS = 30, 50  # the two featurisers' vocabulary sizes
INTENTS = ["faq_a", "faq_b", "faq_c", "greet", "out_of_scope"]


def message(words, chars):
    m = Message(data={TEXT: "some text"})
    for size, values, origin in ((WORDS, words, "words"), (CHARS, chars, "chars")):
        row = scipy.sparse.coo_matrix(np.array([values], dtype=float).reshape(1, size))
        m.add_features(Features(row, FEATURE_TYPE_SENTENCE, TEXT, origin))
        m.add_features(
            Features(scipy.sparse.coo_matrix((2, size)), FEATURE_TYPE_SEQUENCE, TEXT, origin)
        )
    return m


@pytest.fixture(scope="module")
def classifier():
    rng = np.random.default_rng(7)
    X = scipy.sparse.random(200, WORDS + CHARS, density=0.1, random_state=7, format="csr")
    y = [INTENTS[i] for i in rng.integers(0, len(INTENTS), 200)]
    component = SafeLogisticRegressionClassifier({"C": 3.0, "random_state": 1}, "clf", None, None)
    component.clf.fit(X, y)
    return component


def test_probabilities_match_scikit_learn(classifier):
    rng = np.random.default_rng(11)
    for _ in range(20):
        words = rng.integers(0, 2, WORDS) * rng.integers(1, 3, WORDS)
        chars = rng.integers(0, 2, CHARS)
        m = message(words, chars)
        classifier.process([m])
        expected = classifier.clf.predict_proba(
            scipy.sparse.csr_matrix(np.concatenate([words, chars]).reshape(1, -1))
        )[0]
        ranking = m.get(INTENT_RANKING_KEY)
        assert [r["name"] for r in ranking] == [
            classifier.clf.classes_[i] for i in np.argsort(-expected, kind="stable")
        ]
        assert [r["confidence"] for r in ranking] == pytest.approx(
            sorted(expected, reverse=True), abs=1e-12
        )
        assert m.get(INTENT) == ranking[0]


def test_c_is_configurable(classifier):
    assert classifier.clf.C == 3.0


def test_message_without_features_gets_no_intent(classifier):
    m = message(np.zeros(WORDS), np.zeros(CHARS))
    classifier.process([m])
    assert m.get(INTENT) == {"name": None, "confidence": 0.0}
    assert m.get(INTENT_RANKING_KEY) == []


def test_dense_features_use_scikit_learn(classifier):
    """A pipeline with dense sentence features takes the stock path, which rejects the extra
    columns."""
    m = message(np.ones(WORDS), np.ones(CHARS))
    m.add_features(Features(np.ones((1, 4)), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    with pytest.raises(ValueError):
        classifier.process([m])
