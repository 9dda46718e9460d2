"""components/featurizer.py gives exactly the features of Rasa's CountVectorsFeaturizer, faster."""

import pytest
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import ACTION_NAME, TEXT
from sklearn.feature_extraction.text import CountVectorizer

from components.featurizer import FastCountVectorsFeaturizer

TRAINING = [
    "how do i become a project manager",
    "what do scrum masters earn",
    "is pmo better than pm",
    "project management qualification in the uk",
    "manager manager manage",
]
MESSAGES = [
    ["how", "to", "become", "a", "project", "manager"],
    ["projcet", "manger", "pay"],
    ["manager", "manager"],
    ["zzz"],
    [],
    ["é", "naïve", "ü"],
]


def featurizer(**vectorizer_options):
    """The component with one fitted vectorizer, as Rasa builds it (token pattern for words)."""
    component = FastCountVectorsFeaturizer.__new__(FastCountVectorsFeaturizer)
    vectorizer = CountVectorizer(**vectorizer_options).fit(TRAINING)
    component.vectorizers = {TEXT: vectorizer, ACTION_NAME: vectorizer}
    return component


@pytest.mark.parametrize(
    "options",
    [
        {"analyzer": "word", "token_pattern": r"(?u)\b\w+\b"},
        {"analyzer": "word", "token_pattern": r"(?u)\b\w+\b", "ngram_range": (1, 2)},
        {"analyzer": "char_wb", "ngram_range": (2, 4), "token_pattern": None},
        {
            "analyzer": "char",
            "ngram_range": (1, 3),
            "token_pattern": None,
            "strip_accents": "unicode",
        },
    ],
)
@pytest.mark.parametrize("attribute", [TEXT, ACTION_NAME])
def test_same_features_as_rasa(options, attribute):
    component = featurizer(**options)
    fast = component._create_features(attribute, MESSAGES)
    stock = CountVectorsFeaturizer._create_features(component, attribute, MESSAGES)
    for ours, theirs in zip(fast[0] + fast[1], stock[0] + stock[1]):
        if theirs is None:
            assert ours is None
            continue
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        assert (ours.row.tolist(), ours.col.tolist(), ours.data.tolist()) == (
            theirs.row.tolist(),
            theirs.col.tolist(),
            theirs.data.tolist(),
        )


def test_unfitted_vectorizer_behaves_like_rasa():
    component = FastCountVectorsFeaturizer.__new__(FastCountVectorsFeaturizer)
    component.vectorizers = {}
    assert component._create_features(TEXT, MESSAGES) == ([None], [None])
