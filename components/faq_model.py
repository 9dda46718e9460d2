"""The intent model behind components/intent_classifier.py: two views of a message, and how much
they agree. Pure numpy and scikit-learn, no Rasa imports.

- The words view: the count features of the words and character n-grams (components/featurizer.py),
  weighted as TF-IDF (sublinear counts times inverse document frequency, each block L2-normalised)
  into a logistic regression.
- The meaning view: the message's sentence embedding (components/sentence_encoder.py) into a second
  logistic regression, and the training examples nearest to it (cosine similarity).

The ranking is a weighted mean of the two regressions' probabilities. `agree` says whether both
regressions and the nearest training example name the same intent: on real messages that was the
best sign of an answer being right (docs/design.md), so the answer action answers only then.
"""

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse
from sklearn.linear_model import LogisticRegression


@dataclass
class Prediction:
    probabilities: np.ndarray  # per class, summing to 1
    words: int  # the class each view puts first: the words regression,
    meaning: int  # the meaning regression,
    nearest: int  # and the nearest training example
    similarity: float  # cosine similarity of the nearest training example

    @property
    def agree(self) -> bool:
        """Both regressions and the nearest example name the top class."""
        return self.words == self.meaning == self.nearest == int(self.probabilities.argmax())


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    return scores / scores.sum(axis=-1, keepdims=True)


def _fit_regression(
    X, y: np.ndarray, C: float, max_iter: int, random_state: int
) -> Tuple[np.ndarray, np.ndarray]:
    """(features x classes weights, intercepts) of a multinomial logistic regression."""
    clf = LogisticRegression(C=C, max_iter=max_iter, solver="lbfgs", random_state=random_state)
    clf.fit(X, y)
    if list(clf.classes_) != list(range(int(y.max()) + 1)):
        raise ValueError("every class needs at least one example")
    return np.ascontiguousarray(clf.coef_.T, dtype=np.float64), clf.intercept_.astype(np.float64)


class FaqModel:
    ARRAYS = (
        "idf",
        "block_sizes",
        "w_sparse",
        "b_sparse",
        "w_dense",
        "b_dense",
        "exemplars",
        "exemplar_labels",
    )

    def __init__(
        self, classes: Sequence[str], arrays: Dict[str, np.ndarray], sparse_weight: float
    ) -> None:
        self.classes = list(classes)
        self.sparse_weight = float(sparse_weight)
        for name in self.ARRAYS:
            setattr(self, name, arrays[name])
        self._offsets = np.concatenate([[0], np.cumsum(self.block_sizes)]).astype(int)

    # ---------------------------------------------------------------- training
    @classmethod
    def fit(
        cls,
        blocks: Sequence[scipy.sparse.spmatrix],
        dense: np.ndarray,
        labels: Sequence[str],
        *,
        C_sparse: float,
        C_dense: float,
        sparse_weight: float,
        max_iter: int,
        random_state: int,
    ) -> "FaqModel":
        """`blocks`: one count matrix (examples x vocabulary) per featuriser; `dense`: examples x
        dims."""
        classes = sorted(set(labels))
        y = np.array([classes.index(label) for label in labels])
        counts = [scipy.sparse.csr_matrix(b, dtype=np.float64) for b in blocks]
        n = len(y)
        idf = [
            np.log((1 + n) / (1 + np.bincount(b.indices, minlength=b.shape[1]))) + 1 for b in counts
        ]
        arrays = {"idf": np.concatenate(idf), "block_sizes": np.array([b.shape[1] for b in counts])}
        model = cls(
            classes,
            {**arrays, **{k: np.zeros(0) for k in cls.ARRAYS if k not in arrays}},
            sparse_weight,
        )
        X = model.weigh(scipy.sparse.hstack(counts).tocsr())
        dense = np.asarray(dense, dtype=np.float32)
        model.w_sparse, model.b_sparse = _fit_regression(X, y, C_sparse, max_iter, random_state)
        model.w_dense, model.b_dense = _fit_regression(dense, y, C_dense, max_iter, random_state)
        model.exemplars, model.exemplar_labels = dense, y
        return model

    def weigh(self, counts: scipy.sparse.csr_matrix) -> scipy.sparse.csr_matrix:
        """TF-IDF of count rows as scikit-learn's TfidfVectorizer(sublinear_tf=True) has it, (1 +
        log count) * idf, each featuriser's block L2-normalised."""
        X = scipy.sparse.csr_matrix(counts, dtype=np.float64, copy=True)
        X.data = (1 + np.log(X.data)) * self.idf[X.indices]
        blocks = len(self.block_sizes)
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        key = rows * blocks + np.searchsorted(self._offsets[1:], X.indices, side="right")
        norms = np.sqrt(np.bincount(key, weights=X.data**2, minlength=X.shape[0] * blocks))
        X.data /= np.maximum(norms[key], 1e-12)
        return X

    # ---------------------------------------------------------------- prediction
    def dense_probabilities(self, dense: np.ndarray) -> np.ndarray:
        """The meaning view alone, for rows of embeddings (a message's question sentences)."""
        return _softmax(np.atleast_2d(dense) @ self.w_dense + self.b_dense)

    def predict(self, counts: scipy.sparse.spmatrix, dense: np.ndarray) -> Prediction:
        """One message: its count row (all blocks side by side) and its embedding."""
        row = self.weigh(scipy.sparse.csr_matrix(counts))
        sparse_scores = self.b_sparse + row.data @ self.w_sparse[row.indices]
        p_sparse = _softmax(sparse_scores)
        p_dense = self.dense_probabilities(dense)[0]
        probabilities = self.sparse_weight * p_sparse + (1 - self.sparse_weight) * p_dense
        similarities = self.exemplars @ np.asarray(dense, dtype=np.float32).ravel()
        nearest = int(similarities.argmax())
        return Prediction(
            probabilities,
            int(p_sparse.argmax()),
            int(p_dense.argmax()),
            int(self.exemplar_labels[nearest]),
            float(similarities[nearest]),
        )

    # ---------------------------------------------------------------- storage
    def arrays(self) -> Dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.ARRAYS}

    def second_question(
        self, sentence_embeddings: np.ndarray, first: int, floor: float
    ) -> Optional[Tuple[int, float]]:
        """A question sentence that asks something else than class `first`, confidently (at least
        `floor`): (class, probability), or None."""
        if len(sentence_embeddings) < 2:
            return None
        best: Optional[Tuple[int, float]] = None
        for p in self.dense_probabilities(sentence_embeddings):
            top = int(p.argmax())
            if top != first and p[top] >= floor and (best is None or p[top] > best[1]):
                best = (top, float(p[top]))
        return best
