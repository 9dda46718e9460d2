"""components/sentences.py: the question sentences of a long message."""

import pytest

from components.sentences import questions, sentences


@pytest.mark.parametrize(
    "text, asked",
    [
        ("How do I become a PM?", []),  # one sentence: the whole message is the question
        (
            "Is the job stressful? And does it pay well?",
            ["Is the job stressful?", "And does it pay well?"],
        ),
        (
            "I'm 45 and work in retail... How do I become a PM? Any advice?",
            ["How do I become a PM?"],
        ),
        ("I did PRINCE2.\nWhat next?", []),  # too short to ask anything on its own
        ("Thanks! I have a question about pay. Thoughts?", []),
    ],
)
def test_questions(text, asked):
    assert questions(text) == asked


def test_sentences_keep_order_and_never_lose_the_text():
    assert sentences("One. Two? Three!") == ["One.", "Two?", "Three!"]
    assert sentences("no boundary at all") == ["no boundary at all"]
    assert sentences("   ") == []
