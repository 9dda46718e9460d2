"""Measurement sets are never trained on: no real question (tests/real/), NLU hold-out message or
dialogue-test wording is a training example; and no real question has a close paraphrase among our
training examples (nearly the same words). The source page's own questions are the project's data,
given to us, so they may match a real question."""

import re

import pytest
import yaml

from bench.holdout import FOLLOW_UP_HOLDOUT, HOLDOUT, training_examples
from bench.real_questions import load as load_real_questions
from core.knowledge import normalise
from core.settings import PROJECT_ROOT as ROOT

# Word-set overlap (Jaccard) from which a training example counts as a real question reworded.
CLOSE = 0.8
STORIES = ROOT / "tests" / "stories"


def words(text):
    return frozenset(re.findall(r"[a-z0-9']+", text.lower()))


def overlap(a, b):
    return len(a & b) / len(a | b) if a | b else 1.0


@pytest.fixture(scope="module")
def training(kb):
    """Our own training examples (the page's questions excluded), as (text, words)."""
    page = {normalise(q) for q in kb.page_questions}
    return [(text, words(text)) for text, _ in training_examples() if normalise(text) not in page]


def _story_texts():
    texts = []
    for path in sorted(STORIES.rglob("*.yml")):
        for story in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stories") or []:
            texts += [
                re.sub(r"\[([^\]]+)\]\{[^}]*\}", r"\1", s["user"])
                for s in story["steps"]
                if "user" in s
            ]
    return texts


MEASURED = {  # each checked for verbatim copies
    "real questions": lambda: [q.utterance for q in load_real_questions()],
    "NLU hold-out": lambda: [
        i["text"] for i in yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))
    ],
    "follow-up hold-out": lambda: [
        i["text"] for i in yaml.safe_load(FOLLOW_UP_HOLDOUT.read_text(encoding="utf-8"))
    ],
    "dialogue tests": _story_texts,
}


@pytest.mark.parametrize("name", MEASURED)
def test_no_measured_message_is_trained_on(name, training):
    messages = MEASURED[name]()
    assert len(messages) >= 40
    exact = {normalise(t) for t, _ in training}
    leaked = [m for m in messages if normalise(m) in exact]
    assert leaked == [], f"{name} found verbatim in the training data: {leaked[:5]}"


def test_no_real_question_has_a_close_paraphrase_in_the_training_data(training):
    close = []
    for question in load_real_questions():
        mine = words(question.utterance)
        best = max(training, key=lambda pair: overlap(mine, pair[1]))
        if overlap(mine, best[1]) >= CLOSE:
            close.append((question.utterance, best[0]))
    assert close == [], f"real questions with a close paraphrase in the training data: {close}"
