"""The obvious alternatives the benchmark compares against.

TfidfNearestQuestion: answer with the entry of the most similar training example (TF-IDF on word
1-2-grams and character 2-5-grams, cosine similarity). It answers only when that example belongs
to an entry and the similarity reaches a threshold, chosen by 5-fold cross-validation on the
training data (never on the hold-out set), so it gets the same chance to say "I don't know".
"""

from typing import Dict, List, Sequence, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion

from core.knowledge import faq_id_of

THRESHOLDS = np.round(np.arange(0.0, 0.85, 0.05), 2)


def _vectorizer() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True
                ),
            ),
        ]
    )


def _unit_rows(matrix):
    """Each half of the feature union is L2-normalised; normalise whole rows so a dot product is a
    cosine."""
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    return matrix.multiply(1 / np.maximum(norms, 1e-12)[:, None]).tocsr()


class TfidfNearestQuestion:
    def __init__(self) -> None:
        self.threshold = 0.0

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> "TfidfNearestQuestion":
        self.threshold = self._choose_threshold(list(texts), list(intents))
        self._fit(texts, intents)
        return self

    def _fit(self, texts: Sequence[str], intents: Sequence[str]) -> None:
        self.vectorizer = _vectorizer()
        self.matrix = _unit_rows(self.vectorizer.fit_transform(texts))
        self.intents = list(intents)

    def nearest(self, texts: Sequence[str]) -> List[Tuple[str, float]]:
        queries = _unit_rows(self.vectorizer.transform(texts))
        similarity = (queries @ self.matrix.T).toarray()
        best = similarity.argmax(axis=1)
        return [(self.intents[i], float(similarity[row, i])) for row, i in enumerate(best)]

    def answers(self, texts: Sequence[str]) -> List[str]:
        """The entry id answered for each text, or '' when it would not answer."""
        return [
            faq_id_of(intent) or "" if score >= self.threshold else ""
            for intent, score in self.nearest(texts)
        ]

    def _choose_threshold(self, texts: List[str], intents: List[str]) -> float:
        """Maximise the mean of accuracy on entries and rejection of everything else, over 5
        folds."""
        labels = np.array([faq_id_of(i) or "" for i in intents])
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        scored: Dict[float, List[float]] = {t: [] for t in THRESHOLDS}
        for train, test in folds.split(texts, intents):
            model = TfidfNearestQuestion()
            model._fit([texts[i] for i in train], [intents[i] for i in train])
            nearest = model.nearest([texts[i] for i in test])
            for t in THRESHOLDS:
                answered = np.array([faq_id_of(n) or "" if s >= t else "" for n, s in nearest])
                expected = labels[test]
                in_scope = expected != ""
                accuracy = (answered[in_scope] == expected[in_scope]).mean()
                rejection = (answered[~in_scope] == "").mean() if (~in_scope).any() else 1.0
                scored[t].append((accuracy + rejection) / 2)
        return float(max(THRESHOLDS, key=lambda t: np.mean(scored[t])))
