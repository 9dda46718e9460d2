"""Real people's messages (tests/real/), asked over HTTP as a new conversation each and scored as
tests/real/README.md says: the number to steer by. `make bench` compares it with the alternatives;
this test fails when the assistant falls below what it reached (docs/benchmark.md), less a margin
of about two messages. (That none of these messages is trained on: tests/unit/test_leaks.py.)"""

import asyncio

from bench import real_questions
from core.settings import PROJECT_ROOT as ROOT

REPORT = ROOT / "results" / "real_questions.txt"
# Reached on 2026-12-08 (docs/benchmark.md): right 47.4%, right or offered 82.5%, off-topic declined
# 90.7%, confidently wrong 7.2%; less two messages (137 in scope, 43 off topic, 180 in all).
MIN_RIGHT = 0.45
MIN_RIGHT_OR_OFFERED = 0.81
MIN_DECLINED = 0.86
MAX_CONFIDENTLY_WRONG = 0.085


def test_real_questions_score_stays_at_its_level(kb, assistant, record_property):
    questions = real_questions.load()
    replies = asyncio.run(real_questions.ask_all(assistant.webhook, questions))
    score = real_questions.score(kb, questions, replies)
    misses = "\n".join(
        f"{o.kind:9} {o.reply:60} {o.question.utterance[:100]}" for o in score.misses()
    )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(score.summary() + "\n" + misses + "\n")
    print(score.summary())
    record_property("real_questions", score.summary())
    f = score.figures()
    assert f["messages"] == 180
    assert f["soft"] >= MIN_RIGHT, f"{score.summary()} (see {REPORT})"
    assert f["offered"] >= MIN_RIGHT_OR_OFFERED, f"{score.summary()} (see {REPORT})"
    assert f["declined"] >= MIN_DECLINED, f"{score.summary()} (see {REPORT})"
    assert f["wrong"] <= MAX_CONFIDENTLY_WRONG, f"{score.summary()} (see {REPORT})"
