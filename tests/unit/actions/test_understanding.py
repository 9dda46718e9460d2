"""How an NLU parse becomes answer / clarify / out of scope / fallback."""

import pytest

from actions.understanding import ANSWER, CLARIFY, FALLBACK, OUT_OF_SCOPE, Decision, decide


def parse(intent, confidence, *others):
    """A parse whose intent ranking is the predicted intent, then (name, confidence) pairs."""
    ranking = [{"name": intent, "confidence": confidence}] + [
        {"name": n, "confidence": c} for n, c in others
    ]
    return {
        "text": "...",
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking,
    }


def fallback(*ranked):
    return parse("nlu_fallback", 0.4, *ranked)


CASES = [
    (
        "confident and clear",
        parse("faq_pm_salary", 0.9, ("faq_pm_demand", 0.05)),
        ANSWER,
        "pm_salary",
        (),
    ),
    (
        "confident but not clearly ahead",
        parse("faq_pm_salary", 0.55, ("faq_pm_demand", 0.5)),
        CLARIFY,
        None,
        ("pm_salary", "pm_demand"),
    ),
    (
        "below the answer threshold",
        parse("faq_pm_salary", 0.35, ("greet", 0.3), ("faq_pm_demand", 0.2)),
        CLARIFY,
        None,
        ("pm_salary", "pm_demand"),
    ),
    (
        "at most three suggestions",
        parse("faq_a", 0.3, ("faq_b", 0.25), ("faq_c", 0.2), ("faq_d", 0.15)),
        CLARIFY,
        None,
        ("a", "b", "c"),
    ),
    (
        "unsure, only the best is plausible",
        parse("faq_a", 0.38, ("greet", 0.35), ("faq_b", 0.01)),
        CLARIFY,
        None,
        ("a",),
    ),
    (
        "unsure, the entries together too unlikely to offer",
        parse("faq_a", 0.12, ("greet", 0.8), ("faq_b", 0.05)),
        FALLBACK,
        None,
        (),
    ),
    ("out of scope", parse("out_of_scope", 0.9, ("faq_pm_salary", 0.05)), OUT_OF_SCOPE, None, ()),
    ("small talk routed here", parse("greet", 0.9), FALLBACK, None, ()),
    ("button payload", parse("faq_pm_degree", 1.0), ANSWER, "pm_degree", ()),
    (
        "nlu_fallback, an entry the best guess",
        fallback(("faq_pm_age", 0.35), ("faq_pm_salary", 0.3), ("greet", 0.05)),
        CLARIFY,
        None,
        ("pm_age", "pm_salary"),
    ),
    (
        "nlu_fallback, out_of_scope the best guess but an entry plausible",
        fallback(("out_of_scope", 0.35), ("faq_pm_age", 0.3)),
        CLARIFY,
        None,
        ("pm_age",),
    ),
    (
        "nlu_fallback, out_of_scope likely",
        fallback(("out_of_scope", 0.55), ("faq_pm_age", 0.3)),
        OUT_OF_SCOPE,
        None,
        (),
    ),
    (
        "out of scope, nothing plausible",
        parse("out_of_scope", 0.45, ("faq_pm_age", 0.1)),
        OUT_OF_SCOPE,
        None,
        (),
    ),
    (
        "nlu_fallback, small talk the best guess",
        fallback(("thank", 0.35), ("faq_pm_age", 0.3)),
        FALLBACK,
        None,
        (),
    ),
    (
        "nlu_fallback, nothing plausible",
        fallback(("faq_pm_age", 0.05), ("faq_pm_salary", 0.04)),
        FALLBACK,
        None,
        (),
    ),
]


@pytest.mark.parametrize(
    "case, message, kind, faq_id, candidates", CASES, ids=[c[0] for c in CASES]
)
def test_decide(settings, case, message, kind, faq_id, candidates):
    decision = decide(message, settings)
    assert (decision.kind, decision.faq_id, decision.candidates) == (kind, faq_id, candidates)


def test_empty_parse_is_a_fallback(settings):
    assert decide({}, settings).kind == FALLBACK


def agreed(views_agree, *ranked):
    message = parse(*ranked[0], *ranked[1:])
    message["evidence"] = {"agree": views_agree}
    return message


def test_an_answer_needs_the_views_to_agree(settings):
    ranked = (("faq_pm_salary", 0.9), ("faq_pm_demand", 0.05))
    assert decide(agreed(True, *ranked), settings).kind == ANSWER
    assert decide(agreed(False, *ranked), settings).candidates == ("pm_salary", "pm_demand")


@pytest.mark.parametrize(
    "confidence, words, nearest, kind",
    [
        (0.99, "faq_time_to_become_pm", "faq_become_pm", ANSWER),  # sure: the regressions suffice
        (0.7, "faq_time_to_become_pm", "faq_become_pm", CLARIFY),  # less sure: all three views
        (0.99, "faq_become_pm", "faq_time_to_become_pm", CLARIFY),  # the regressions disagree
    ],
)
def test_when_sure_the_nearest_example_need_not_agree(settings, confidence, words, nearest, kind):
    message = agreed(False, ("faq_time_to_become_pm", confidence), ("faq_become_pm", 0.01))
    views = {"words": words, "meaning": "faq_time_to_become_pm", "nearest": nearest}
    message["evidence"]["views"] = views
    assert decide(message, settings).kind == kind


def test_a_second_question_rides_along(settings):
    message = agreed(True, ("faq_pm_stress", 0.8), ("faq_pm_salary", 0.15))
    message["evidence"]["second_question"] = {"name": "faq_pm_salary", "confidence": 0.9}
    assert decide(message, settings) == Decision(ANSWER, faq_id="pm_stress", also_asked="pm_salary")
