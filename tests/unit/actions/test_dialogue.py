"""Keeping the thread: follow-ups get the right role, place and topic, or an honest 'no answer'."""

import pytest

from actions import dialogue
from actions.conversation import Context, Mentions

BASE = "https://training.example"


def marker(outcome):
    return outcome.messages[-1]["json_message"]


def texts(outcome):
    return " ".join(m.get("text", "") for m in outcome.messages)


def test_a_role_switch_keeps_the_topic(kb):
    context = Context(faq_id="pm_stress", topic="stress", role="project_manager")
    outcome = dialogue.follow_up(kb, BASE, Mentions(roles=("scrum_master",)), context)
    assert marker(outcome)["faq_id"] == "scrum_master_stress"
    assert (
        outcome.slots["role"] == "scrum_master"
        and outcome.slots["previous_role"] == "project_manager"
    )


def test_a_topic_switch_keeps_the_role(kb):
    context = Context(faq_id="pmo_salary", topic="salary", role="pmo")
    outcome = dialogue.answer(kb, BASE, kb.entry("pm_degree"), Mentions(), context)
    assert (marker(outcome)["faq_id"], marker(outcome)["role"], marker(outcome)["topic"]) == (
        "pmo_degree",
        "pmo",
        "degree",
    )


def test_no_answer_for_the_combination_is_said_plainly_and_never_replays_another_role(kb):
    context = Context(faq_id="pm_age", topic="age", role="project_manager")
    outcome = dialogue.follow_up(kb, BASE, Mentions(roles=("change_manager",)), context)
    assert marker(outcome)["type"] == "no_answer"
    assert "don't have an answer about age for change managers" in texts(outcome)
    assert kb.entry("pm_age").answer not in texts(outcome)
    offered = marker(outcome)["candidates"]
    assert (
        all(kb.entry(i).role == "change_manager" for i in offered[:-1]) and offered[-1] == "pm_age"
    )


def test_a_follow_up_with_nothing_before_it_asks_what_they_want_to_know(kb):
    outcome = dialogue.follow_up(kb, BASE, Mentions(roles=("pmo",)), Context())
    assert marker(outcome)["type"] == "choose_question"
    buttons = outcome.messages[0]["buttons"]
    assert buttons[0]["payload"].startswith("/faq_") and '"role": "pmo"' in buttons[0]["payload"]
    assert all(kb.entry(i).role == "pmo" for i in marker(outcome)["candidates"])


def test_the_project_manager_named_as_a_yardstick_keeps_the_conversations_role(kb):
    # "how is it different from a project manager?" while talking about Scrum Masters.
    context = Context(faq_id="scrum_master_salary", topic="salary", role="scrum_master")
    outcome = dialogue.answer(
        kb, BASE, kb.entry("pmo_vs_pm"), Mentions(roles=("project_manager",)), context
    )
    assert marker(outcome)["faq_id"] == "scrum_master_vs_pm"


def test_a_question_naming_two_roles_is_about_that_pair(kb):
    context = Context(role="scrum_master")
    outcome = dialogue.answer(
        kb, BASE, kb.entry("pmo_vs_pm"), Mentions(roles=("pmo", "project_manager")), context
    )
    assert marker(outcome)["faq_id"] == "pmo_vs_pm"


def test_a_near_topic_stands_in_with_a_note(kb):
    outcome = dialogue.answer(
        kb, BASE, kb.entry("pm_qualifications"), Mentions(roles=("scrum_master",)), Context()
    )
    assert marker(outcome)["faq_id"] == "scrum_master_certification"
    assert outcome.messages[0]["text"].startswith(
        "I don't have an answer on qualifications and training for Scrum Masters"
    )


@pytest.mark.parametrize("location, kind", [("uk", "faq_answer"), ("us", "no_answer")])
def test_a_place_switch(kb, location, kind):
    context = Context(faq_id="programme_manager_salary", topic="salary", role="programme_manager")
    outcome = dialogue.follow_up(kb, BASE, Mentions(locations=(location,)), context)
    assert marker(outcome)["type"] == kind
    if kind == "no_answer":
        assert "I only have UK information" in texts(outcome)
        assert kb.entry("programme_manager_salary").answer not in texts(outcome)
    else:
        assert marker(outcome)["faq_id"] == "programme_manager_salary"
        assert outcome.messages[0]["text"].startswith("My answers are written for the UK")


def test_comparisons_use_the_two_roles_discussed(kb):
    context = Context(faq_id="pmo_salary", topic="salary", role="pmo", previous_role="scrum_master")
    outcome = dialogue.compare(kb, Mentions(topics=("salary",)), context)
    assert marker(outcome) == {
        "type": "comparison",
        "roles": ["pmo", "scrum_master"],
        "topic": "salary",
        "candidates": ["pmo_salary", "scrum_master_salary"],
    }
    # Only one role so far: ask which to compare rather than guess.
    assert (
        marker(dialogue.compare(kb, Mentions(topics=("salary",)), Context(role="pmo")))["type"]
        == "clarify_comparison"
    )
    # "Which is better?" has no single answer.
    overall = dialogue.compare(kb, Mentions(), context)
    assert texts(overall).startswith("Neither role is better for everyone")


def test_a_job_we_do_not_cover_is_not_given_a_project_managers_answer(kb):
    outcome = dialogue.answer(
        kb,
        BASE,
        kb.entry("time_to_become_pm"),
        Mentions(other_roles=("product_manager",)),
        Context(),
    )
    assert marker(outcome) == {
        "type": "out_of_scope",
        "reason": "other_role",
        "other_role": "product_manager",
    }


def test_a_certification_follow_up_describes_it(kb):
    outcome = dialogue.follow_up(kb, BASE, Mentions(certifications=("pmp",)), Context())
    assert outcome.messages[0]["text"] == kb.certification("pmp").summary
    assert marker(outcome)["certification"] == "pmp"


def test_mentions_ignore_values_the_knowledge_base_does_not_know(kb):
    mentions = Mentions.from_entities(
        [{"entity": "role", "value": "astronaut"}, {"entity": "role", "value": "pmo"}], kb
    )
    assert mentions.roles == ("pmo",)
