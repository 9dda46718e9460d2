"""The dialogue tests that derive from the knowledge base (tests/stories/generated/), in wording
held out from training (tests/stories/phrasings.yml), so `rasa test --e2e` tests understanding, not
recall."""

from typing import Dict, List

from core.knowledge import Entry, KnowledgeBase, KnowledgeBaseError, faq_intent
from core.knowledge.ids import PROJECT_MANAGER
from generator.annotate import Annotator
from generator.output import by_id, generated

# What a story expects after each kind of follow-up: (intent, action).
FOLLOW_UP_STEPS = {
    "compare": ("compare_roles", "action_compare_roles"),
    "tell_me_more": ("tell_me_more", "action_tell_more"),
    "ask_articles": ("ask_articles", "action_list_articles"),
    "ask_why": ("ask_why", "action_cite_sources"),
}
ANSWER, FOLLOW = {"action": "action_answer_faq"}, {"action": "action_answer_follow_up"}


def _said(text: str, intent: str, annotate: Annotator) -> Dict[str, str]:
    return {"user": annotate(text), "intent": intent}


def _clicked(entry: Entry) -> Dict:
    """A button click: the payload's intent, no text to understand. (Stories cannot list a `role`
    entity: Rasa's story format reads the key `role` as an entity's role, so the entity is left
    out.)"""
    return {"intent": faq_intent(entry.intent_entry_id)}


def _asked(entry: Entry, phrasings: Dict, annotate: Annotator) -> Dict[str, str]:
    """The entry's question in its first held-out wording."""
    return _said(phrasings["questions"][entry.id][0], faq_intent(entry.id), annotate)


def check_wording(kb: KnowledgeBase, phrasings: Dict) -> None:
    missing = [
        e.id for e in kb.intent_entries if len(phrasings.get("questions", {}).get(e.id) or []) < 1
    ]
    unknown = sorted(set(phrasings.get("questions", {})) - {e.id for e in kb.intent_entries})
    problems = [
        f"tests/stories/phrasings.yml: questions: no held-out wording for {m}" for m in missing
    ]
    problems += [
        f"tests/stories/phrasings.yml: questions: {u} is not an entry with questions of its own"
        for u in unknown
    ]
    if problems:
        raise KnowledgeBaseError(problems)


def faq_stories(kb: KnowledgeBase, phrasings: Dict, annotate: Annotator) -> str:
    """Each entry, asked in each of its held-out wordings, is understood and answered."""
    check_wording(kb, phrasings)
    stories = [
        {
            "story": f"{entry.id} asked in held-out wording {n}",
            "steps": [_said(text, faq_intent(entry.id), annotate), ANSWER],
        }
        for entry in by_id(kb.intent_entries)
        for n, text in enumerate(phrasings["questions"][entry.id], 1)
    ]
    return generated({"stories": stories})


def _role_switch(phrasings: Dict, i: int, role) -> str:
    switches = phrasings["role_switch"]
    return switches[i % len(switches)].format(plural=role.plural, label=role.label)


def _variant_stories(kb: KnowledgeBase, phrasings: Dict, annotate: Annotator) -> List[Dict]:
    """A question, the same for another role, then a comparison / more / articles / why / topic
    change."""
    kinds = ["compare", "tell_me_more", "ask_articles", "ask_why", "topic_switch"]
    switches = sorted(phrasings["topic_switch"].items())
    stories = []
    for i, variant in enumerate(by_id(e for e in kb.entries if e.variant_of)):
        base, role = kb.entry(variant.variant_of), kb.role(variant.role)
        kind = kinds[i % len(kinds)]
        if kind == "topic_switch":
            entry_id, text = [pair for pair in switches if pair[0] != base.id][
                i % (len(switches) - 1)
            ]
            third = [_said(text, faq_intent(entry_id), annotate), ANSWER]
        else:
            intent, action = FOLLOW_UP_STEPS[kind]
            texts = phrasings[kind]
            third = [_said(texts[i % len(texts)], intent, annotate), {"action": action}]
        stories.append(
            {
                "story": f"{base.id}, then the same for {role.id} ({variant.id}), then {kind}",
                "steps": [
                    _asked(base, phrasings, annotate),
                    ANSWER,
                    _said(_role_switch(phrasings, i, role), "follow_up", annotate),
                    FOLLOW,
                    *third,
                ],
            }
        )
    return stories


def follow_up_stories(kb: KnowledgeBase, phrasings: Dict, annotate: Annotator) -> str:
    """Multi-turn conversations: role switches, follow-ups with nothing before them, place switches,
    clarification, start over."""
    check_wording(kb, phrasings)
    stories = _variant_stories(kb, phrasings, annotate)
    first_follow_up = phrasings["first_message_follow_up"][0]
    for i, role in enumerate(kb.roles):
        own = by_id(kb.entries_for_role(role.id))
        choice = next((e for e in own if e.variant_of), own[0])
        compare = phrasings["compare"][i % len(phrasings["compare"])]
        stories.append(
            {
                "story": f"a follow-up about {role.id} with nothing before it, a chosen question, "
                "then a comparison",
                "steps": [
                    _said(
                        first_follow_up.format(plural=role.plural, label=role.label),
                        "follow_up",
                        annotate,
                    ),
                    FOLLOW,
                    _clicked(choice),
                    ANSWER,
                    _said(compare, "compare_roles", annotate),
                    {"action": "action_compare_roles"},
                ],
            }
        )
    for topic in phrasings["location_switch_topics"]:
        entry = kb.answer_for(topic, PROJECT_MANAGER)
        steps = [_asked(entry, phrasings, annotate), ANSWER]
        for text in phrasings["location_switch"]:
            steps += [_said(text, "follow_up", annotate), FOLLOW]
        stories.append({"story": f"{entry.id}, then where it applies", "steps": steps})
    for i, candidate in enumerate(sorted(phrasings["clarify"])):
        entry, other = kb.entry(candidate), kb.roles[(i + 1) % len(kb.roles)]
        stories.append(
            {
                "story": f"an unclear question, a suggestion clicked ({candidate}), "
                f"then the same for {other.id}",
                "steps": [
                    # An unclear message's reply is the answer action's decision, not an intent.
                    {"intent": "nlu_fallback"},
                    ANSWER,
                    _clicked(entry),
                    ANSWER,
                    _said(_role_switch(phrasings, i, other), "follow_up", annotate),
                    FOLLOW,
                ],
            }
        )
    variant = next(e for e in by_id(kb.entries) if e.variant_of)
    role = kb.role(variant.role)
    stories.append(
        {
            "story": "starting over forgets the conversation",
            "steps": [
                _asked(kb.entry(variant.variant_of), phrasings, annotate),
                ANSWER,
                _said(_role_switch(phrasings, 0, role), "follow_up", annotate),
                FOLLOW,
                _said(phrasings["start_over"], "start_over", annotate),
                {"action": "utter_start_over"},
                {"action": "action_restart"},
                _said(
                    first_follow_up.format(plural=role.plural, label=role.label),
                    "follow_up",
                    annotate,
                ),
                FOLLOW,
            ],
        }
    )
    return generated({"stories": stories})
