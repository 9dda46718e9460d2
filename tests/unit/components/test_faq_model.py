"""components/faq_model.py: the words view is scikit-learn's TF-IDF and logistic regression, the
meaning view its logistic regression, the ranking their weighted mean; agreement and a second
question."""

import numpy as np
import pytest
import scipy.sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from components.faq_model import FaqModel

DOCS = [
    "how do i become a project manager",
    "pm salary uk",
    "is it stressful being a pm",
    "project manager pay uk",
    "become a scrum master",
    "what do scrum masters earn",
    "is the job stressful",
    "how to start as a pm",
]
LABELS = [
    "faq_become",
    "faq_pay",
    "faq_stress",
    "faq_pay",
    "faq_become",
    "faq_pay",
    "faq_stress",
    "faq_become",
]


@pytest.fixture(scope="module")
def fitted():
    words, chars = CountVectorizer(), CountVectorizer(analyzer="char_wb", ngram_range=(2, 4))
    blocks = [words.fit_transform(DOCS), chars.fit_transform(DOCS)]
    dense = np.random.default_rng(3).normal(size=(len(DOCS), 6)).astype(np.float32)
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    model = FaqModel.fit(
        blocks,
        dense,
        LABELS,
        C_sparse=10,
        C_dense=10,
        sparse_weight=0.3,
        max_iter=2000,
        random_state=0,
    )
    return model, blocks, dense


def test_the_words_view_is_tfidf_as_scikit_learn_has_it(fitted):
    model, blocks, _ = fitted
    ours = model.weigh(scipy.sparse.hstack(blocks).tocsr()).toarray()
    theirs = np.hstack(
        [
            TfidfVectorizer(sublinear_tf=True).fit_transform(DOCS).toarray(),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
            .fit_transform(DOCS)
            .toarray(),
        ]
    )
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_the_ranking_is_the_weighted_mean_of_scikit_learns_regressions(fitted):
    model, blocks, dense = fitted
    X = model.weigh(scipy.sparse.hstack(blocks).tocsr())
    y = [model.classes.index(label) for label in LABELS]
    words = LogisticRegression(C=10, max_iter=2000, random_state=0).fit(X, y)
    meaning = LogisticRegression(C=10, max_iter=2000, random_state=0).fit(dense, y)
    for i in range(len(DOCS)):
        prediction = model.predict(scipy.sparse.hstack(blocks).tocsr()[i], dense[i])
        expected = (
            0.3 * words.predict_proba(X[i])[0] + 0.7 * meaning.predict_proba(dense[i : i + 1])[0]
        )
        np.testing.assert_allclose(prediction.probabilities, expected, atol=1e-6)
        assert prediction.nearest == y[i] and prediction.similarity == pytest.approx(1.0, abs=1e-6)


def test_agreement_needs_both_views_and_the_nearest_example(fitted):
    model, blocks, dense = fitted
    prediction = model.predict(scipy.sparse.hstack(blocks).tocsr()[1], dense[1])
    assert prediction.agree == (
        prediction.words
        == prediction.meaning
        == prediction.nearest
        == int(prediction.probabilities.argmax())
    )
    prediction.nearest = (prediction.nearest + 1) % len(model.classes)
    assert not prediction.agree


def test_a_second_question_is_another_confident_class(fitted):
    model, _, dense = fitted
    pay = model.classes.index("faq_pay")
    stress = model.classes.index("faq_stress")
    assert model.second_question(dense[[6, 1]], stress, floor=0.0)[0] == pay
    assert model.second_question(dense[[6]], stress, floor=0.0) is None  # one question only
    assert model.second_question(dense[[6, 1]], stress, floor=1.01) is None  # not sure enough


def test_arrays_round_trip(fitted):
    model, blocks, dense = fitted
    again = FaqModel(model.classes, model.arrays(), model.sparse_weight)
    row = scipy.sparse.hstack(blocks).tocsr()[0]
    np.testing.assert_array_equal(
        again.predict(row, dense[0]).probabilities, model.predict(row, dense[0]).probabilities
    )
