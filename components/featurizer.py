"""Rasa 3.6's CountVectorsFeaturizer with the same features, built without scikit-learn's per-call
overhead.

For each message the stock featurizer calls `CountVectorizer.transform` twice (once per token for
the sequence features, once on the whole text for the sentence features). Each call rebuilds the
analyzer, checks the vocabulary, builds a CSR matrix, sorts it and converts it: ~10% of the Rasa
server's CPU under load, most of it around the few n-grams a short message has. Here the analyzer is
built once per fitted vectorizer and the counts go straight into the sorted COO matrices Rasa
stores. Training, vocabulary and the numbers are the stock component's (a unit test compares both on
the same texts).
"""

from typing import Callable, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    DENSE_FEATURIZABLE_ATTRIBUTES,  # the attributes that get sentence features
)
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer


def _counts(
    analyze: Callable, vocabulary: Dict[Text, int], documents: List[Text], size: int, dtype
) -> scipy.sparse.coo_matrix:
    """What `CountVectorizer.transform(documents).sort_indices().tocoo()` gives: a row of counts per
    document."""
    rows, cols, data = [], [], []
    for row, document in enumerate(documents):
        counter: Dict[int, int] = {}
        for feature in analyze(document):
            index = vocabulary.get(feature)
            if index is not None:
                counter[index] = counter.get(index, 0) + 1
        for index in sorted(counter):
            rows.append(row)
            cols.append(index)
            data.append(counter[index])
    return scipy.sparse.coo_matrix(
        (
            np.array(data, dtype=dtype),
            (np.array(rows, dtype=np.int32), np.array(cols, dtype=np.int32)),
        ),
        shape=(len(documents), size),
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class FastCountVectorsFeaturizer(CountVectorsFeaturizer):
    def _analysis(self, attribute: Text) -> Optional[Tuple[Callable, Dict[Text, int], int, object]]:
        """The fitted vectorizer's analyzer and vocabulary, built once (and again if it is
        refitted)."""
        vectorizer = self.vectorizers.get(attribute)
        vocabulary = getattr(vectorizer, "vocabulary_", None)
        if vocabulary is None:
            return None
        cache = self.__dict__.setdefault("_analysis_cache", {})
        cached = cache.get(attribute)
        if cached is None or cached[1] is not vocabulary:
            cached = (vectorizer.build_analyzer(), vocabulary, len(vocabulary), vectorizer.dtype)
            cache[attribute] = cached
        return cached

    def _create_features(
        self, attribute: Text, all_tokens: List[List[Text]]
    ) -> Tuple[List[Optional[scipy.sparse.spmatrix]], List[Optional[scipy.sparse.spmatrix]]]:
        analysis = self._analysis(attribute) if self.vectorizers else None
        if analysis is None:
            return super()._create_features(
                attribute, all_tokens
            )  # not fitted: the stock behaviour
        analyze, vocabulary, size, dtype = analysis
        sequence_features: List[Optional[scipy.sparse.spmatrix]] = []
        sentence_features: List[Optional[scipy.sparse.spmatrix]] = []
        for tokens in all_tokens:
            if not tokens:
                sequence_features.append(None)
                sentence_features.append(None)
                continue
            sequence_features.append(_counts(analyze, vocabulary, tokens, size, dtype))
            sentence_features.append(
                _counts(analyze, vocabulary, [" ".join(tokens)], size, dtype)
                if attribute in DENSE_FEATURIZABLE_ATTRIBUTES
                else None
            )
        return sequence_features, sentence_features
