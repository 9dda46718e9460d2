"""The actions with rasa_sdk's Tracker and CollectingDispatcher: what a user would receive."""

import pytest
import yaml
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAnswerFaq,
    ActionAnswerFollowUp,
    ActionCiteSources,
    ActionCompareRoles,
    ActionDefaultFallback,
    ActionListArticles,
    ActionTellMore,
)
from actions.replies import faq_payload
from core import texts
from core.settings import PROJECT_ROOT as ROOT

DOMAIN = ROOT / "domain" / "pathfinder.yml"


@pytest.fixture
def action(kb, settings):
    return ActionAnswerFaq(kb=kb, settings=settings)


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


async def test_a_confident_question_gets_answer_articles_and_marker(
    action, dispatcher, tracker_for, kb
):
    entry = kb.entry("pm_salary")
    tracker = tracker_for(
        "how much do PMs make", [("faq_pm_salary", 0.93), ("faq_pm_demand", 0.03)]
    )
    events = await action.run(dispatcher, tracker, {})

    answer, articles, marker = dispatcher.messages
    assert answer["text"] == entry.answer
    assert [b["title"] for b in articles["buttons"]] == [
        kb.article(a).title for a in entry.articles
    ]
    assert [b["url"] for b in articles["buttons"]] == [
        "https://training.example" + kb.article(a).url for a in entry.articles
    ]
    assert all(b["type"] == "web_url" for b in articles["buttons"])
    assert marker["custom"] == {
        "type": "faq_answer",
        "faq_id": "pm_salary",
        "role": entry.role,
        "topic": entry.topic,
        "articles": list(entry.articles),
    }
    assert events == [
        SlotSet("faq_id", "pm_salary"),
        SlotSet("topic", entry.topic),
        SlotSet("role", entry.role),
    ]


async def test_a_role_named_in_the_question_gets_that_roles_answer(
    action, dispatcher, tracker_for, kb
):
    tracker = tracker_for(
        "how much does a PMO analyst earn", [("faq_pm_salary", 0.9)], entities={"role": "pmo"}
    )
    events = await action.run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] == kb.entry("pmo_salary").answer
    assert dispatcher.messages[-1]["custom"]["faq_id"] == "pmo_salary"
    assert SlotSet("role", "pmo") in events and SlotSet("faq_id", "pmo_salary") in events


async def test_a_follow_up_keeps_the_topic_and_remembers_the_previous_role(
    kb, settings, dispatcher, tracker_for
):
    slots = {"faq_id": "pm_salary", "topic": "salary", "role": "project_manager"}
    tracker = tracker_for(
        "what about program managers?",
        [("follow_up", 0.95)],
        slots,
        entities={"role": "programme_manager"},
    )
    events = await ActionAnswerFollowUp(kb=kb, settings=settings).run(dispatcher, tracker, {})
    assert dispatcher.messages[-1]["custom"] == {
        "type": "faq_answer",
        "faq_id": "programme_manager_salary",
        "role": "programme_manager",
        "topic": "salary",
        "articles": list(kb.entry("programme_manager_salary").articles),
    }
    assert events == [
        SlotSet("faq_id", "programme_manager_salary"),
        SlotSet("role", "programme_manager"),
        SlotSet("previous_role", "project_manager"),
    ]

    # "which one pays more?" then compares the two.
    dispatcher = CollectingDispatcher()
    slots = {
        **slots,
        "faq_id": "programme_manager_salary",
        "role": "programme_manager",
        "previous_role": "project_manager",
    }
    tracker = tracker_for(
        "which one pays more?", [("compare_roles", 0.9)], slots, entities={"topic": "salary"}
    )
    await ActionCompareRoles(kb=kb, settings=settings).run(dispatcher, tracker, {})
    comparison = dispatcher.messages[0]["text"]
    assert comparison.startswith("Comparing pay:")
    assert (
        kb.entry("programme_manager_salary").summary in comparison
        and kb.entry("pm_salary").summary in comparison
    )


@pytest.mark.parametrize(
    "action_class, intent, kind",
    [
        (ActionTellMore, "tell_me_more", "more"),
        (ActionListArticles, "ask_articles", "articles"),
        (ActionCiteSources, "ask_why", "sources"),
    ],
)
async def test_questions_about_the_last_answer(
    kb, settings, dispatcher, tracker_for, action_class, intent, kind
):
    tracker = tracker_for(
        "...", [(intent, 0.9)], {"faq_id": "pmo_salary", "topic": "salary", "role": "pmo"}
    )
    assert await action_class(kb=kb, settings=settings).run(dispatcher, tracker, {}) == []
    assert dispatcher.messages[-1]["custom"]["type"] == kind
    assert dispatcher.messages[-1]["custom"]["faq_id"] == "pmo_salary"

    # With nothing answered yet, they ask for a question instead of guessing.
    dispatcher = CollectingDispatcher()
    await action_class(kb=kb, settings=settings).run(
        dispatcher, tracker_for("...", [(intent, 0.9)]), {}
    )
    assert dispatcher.messages[-1]["custom"] == {"type": "fallback", "reason": "no_context"}


async def test_close_candidates_get_did_you_mean_buttons_that_answer(
    action, dispatcher, tracker_for, kb
):
    tracker = tracker_for(
        "pm pay and jobs",
        [("faq_pm_salary", 0.45), ("faq_pm_demand", 0.42), ("faq_pm_stress", 0.01)],
    )
    events = await action.run(dispatcher, tracker, {})

    question, marker = dispatcher.messages
    assert question["text"].endswith("Did you mean:")
    assert [b["title"] for b in question["buttons"]] == [
        kb.entry("pm_salary").title,
        kb.entry("pm_demand").title,
        "Something else",
    ]
    assert question["buttons"][0]["payload"] == '/faq_pm_salary{"role": "project_manager"}'
    assert question["buttons"][-1]["payload"] == "/something_else"
    assert marker["custom"] == {"type": "clarify", "candidates": ["pm_salary", "pm_demand"]}
    assert events == []

    # Clicking a button sends its payload, which Rasa parses as that intent with confidence 1.
    dispatcher = CollectingDispatcher()
    await action.run(
        dispatcher,
        tracker_for(
            faq_payload(kb.entry("pm_demand")),
            [("faq_pm_demand", 1.0)],
            entities={"role": "project_manager"},
        ),
        {},
    )
    assert dispatcher.messages[0]["text"] == kb.entry("pm_demand").answer
    assert dispatcher.messages[-1]["custom"]["faq_id"] == "pm_demand"


async def test_out_of_scope_is_said_plainly(action, dispatcher, tracker_for):
    tracker = tracker_for(
        "how do I become a product manager",
        [("out_of_scope", 0.62), ("faq_become_pm", 0.3)],
    )
    assert await action.run(dispatcher, tracker, {}) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]


async def test_unsure_out_of_scope_with_a_plausible_entry_asks(action, dispatcher, tracker_for, kb):
    tracker = tracker_for(
        "how do I get started in this line of work",
        [("nlu_fallback", 0.4), ("out_of_scope", 0.38), ("faq_become_pm", 0.3)],
    )
    await action.run(dispatcher, tracker, {})
    assert dispatcher.messages[-1]["custom"] == {"type": "clarify", "candidates": ["become_pm"]}


async def test_did_you_mean_offers_the_role_asked_about(action, dispatcher, tracker_for, kb):
    tracker = tracker_for(
        "scrum master pay or prospects?",
        [("nlu_fallback", 0.4), ("faq_pm_salary", 0.35), ("faq_pm_demand", 0.3)],
        entities={"role": "scrum_master"},
    )
    await action.run(dispatcher, tracker, {})
    assert dispatcher.messages[-1]["custom"]["candidates"] == [
        "scrum_master_salary",
        "scrum_master_demand",
    ]
    buttons = dispatcher.messages[0]["buttons"]
    assert buttons[0]["payload"] == faq_payload(kb.entry("scrum_master_salary"))


async def test_an_answer_offers_the_second_question_asked(action, dispatcher, tracker_for, kb):
    tracker = tracker_for(
        "Is the job stressful? And does it pay well?",
        [("faq_pm_stress", 0.8), ("faq_pm_salary", 0.15)],
    )
    tracker.latest_message["evidence"] = {
        "agree": True,
        "second_question": {"name": "faq_pm_salary", "confidence": 0.9},
    }
    await action.run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] == kb.entry("pm_stress").answer
    assert dispatcher.messages[-2]["buttons"] == [
        {"title": kb.entry("pm_salary").title, "payload": faq_payload(kb.entry("pm_salary"))}
    ]
    assert dispatcher.messages[-1]["custom"]["also_asked"] == ["pm_salary"]


async def test_when_the_views_disagree_it_asks_instead_of_answering(
    action, dispatcher, tracker_for
):
    tracker = tracker_for("pm pay", [("faq_pm_salary", 0.9), ("faq_pm_demand", 0.05)])
    tracker.latest_message["evidence"] = {"agree": False}
    await action.run(dispatcher, tracker, {})
    assert dispatcher.messages[-1]["custom"]["type"] == "clarify"


async def test_nothing_plausible_gets_a_fallback_not_a_guess(action, dispatcher, tracker_for):
    tracker = tracker_for(
        "banana", [("nlu_fallback", 0.4), ("faq_pm_age", 0.05), ("faq_pm_salary", 0.04)]
    )
    assert await action.run(dispatcher, tracker, {}) == []
    assert dispatcher.messages[0]["text"] == texts.FALLBACK
    assert dispatcher.messages[-1]["custom"] == {"type": "fallback"}


async def test_an_entry_unknown_to_the_knowledge_base_gets_a_fallback(
    action, dispatcher, tracker_for
):
    assert (
        await action.run(
            dispatcher, tracker_for("/faq_no_such_entry", [("faq_no_such_entry", 1.0)]), {}
        )
        == []
    )
    assert dispatcher.messages[-1]["custom"] == {"type": "fallback"}


async def test_the_default_fallback_is_never_silent(dispatcher, tracker_for):
    events = await ActionDefaultFallback().run(dispatcher, tracker_for("?", [("greet", 0.2)]), {})
    assert dispatcher.messages[0]["text"] == texts.FALLBACK
    assert events == [UserUtteranceReverted()]


def test_every_reply_in_the_domain_carries_a_custom_type():
    domain = yaml.safe_load(DOMAIN.read_text())
    for name, variants in domain["responses"].items():
        for variant in variants:
            assert variant.get("custom", {}).get("type") in {
                "smalltalk",
                "out_of_scope",
                "fallback",
                "clarify",
            }, name
