"""Builds the messages the assistant sends, as plain dicts. No Rasa imports.

Each reply is a list of messages in the shape of rasa_sdk's `dispatcher.utter_message` keyword
arguments (`text`, `buttons`, `json_message`). Every reply ends with a `json_message` (sent as
`custom`) whose `type` tells clients and analytics what kind of reply it was.
"""
import json
from typing import Any, Dict, Iterable, List, Optional, Sequence

from actions.knowledge import Certification, Entry, KnowledgeBase, Location, Role, Topic, article_url, faq_intent

Message = Dict[str, Any]

CLARIFY_TEXT = "I'm not sure which of these you mean. Did you mean:"
FALLBACK_TEXT = (
    "Sorry, I didn't understand that. Could you put it another way? I can help with questions about "
    "careers in project management, such as how to get started, which qualifications to take, or what "
    "project managers earn."
)
SOMETHING_ELSE = {"title": "Something else", "payload": "/something_else"}


UK_ONLY_NOTE = "My answers are written for the UK, so check a local source if you're elsewhere."
NOTHING_YET_TEXT = (
    "Ask me a question first, then I can tell you more about it. For example: "
    "\"How do I become a project manager with no experience?\""
)


def faq_payload(entry: Entry, location: Optional[str] = None) -> str:
    """A button payload that answers this entry when clicked: its intent (which Rasa takes as certain)
    and its role, so the click answers exactly this entry whatever the conversation was about."""
    entities = {"role": entry.role, **({"location": location} if location else {})}
    return "/" + faq_intent(entry.intent_entry_id) + json.dumps(entities, sort_keys=True)


def question_buttons(entries: Iterable[Entry]) -> List[Dict[str, str]]:
    return [{"title": e.title, "payload": faq_payload(e)} for e in entries]


def _link_buttons(kb: KnowledgeBase, article_ids: Iterable[str], base_url: str) -> List[Dict[str, str]]:
    articles = [kb.article(article_id) for article_id in article_ids]
    return [{"title": a.title, "type": "web_url", "url": article_url(a, base_url)} for a in articles]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def answer_messages(kb: KnowledgeBase, faq_id: str, base_url: str, lead_in: Optional[str] = None) -> List[Message]:
    """The answer (after a short note, if any), its related articles as link buttons, then the `faq_answer` marker."""
    entry = kb.entry(faq_id)
    if entry is None:
        raise KeyError(f"no knowledge-base entry {faq_id!r}")
    return [
        *([{"text": lead_in}] if lead_in else []),
        {"text": entry.answer},
        {"text": "Related articles:", "buttons": _link_buttons(kb, entry.articles, base_url)},
        {
            "json_message": {
                "type": "faq_answer",
                "faq_id": entry.id,
                "role": entry.role,
                "topic": entry.topic,
                "articles": list(entry.articles),
            }
        },
    ]


def clarify_messages(kb: KnowledgeBase, candidates: Iterable[str]) -> List[Message]:
    """'Did you mean ...?' with a button per candidate (clicking it answers that entry), plus 'Something else'."""
    entries = [kb.entry(faq_id) for faq_id in candidates]
    entries = [e for e in entries if e is not None]
    return [
        {"text": CLARIFY_TEXT, "buttons": question_buttons(entries) + [SOMETHING_ELSE]},
        {"json_message": {"type": "clarify", "candidates": [e.id for e in entries]}},
    ]


def near_answer_note(kb: KnowledgeBase, topic_id: str, target: Entry) -> str:
    return (
        f"I don't have an answer on {kb.topic(topic_id).label} for {kb.role(target.role).plural}, "
        f"so here is the closest one I have: \"{target.title}\""
    )


def covered_location_note(location: Location) -> str:
    return f"My answers are written for {location.label}, so this one applies there:"


def no_answer_messages(kb: KnowledgeBase, topic: Topic, role: Role, suggestions: Sequence[Entry], fallback: Optional[Entry] = None) -> List[Message]:
    """No answer for this (topic, role): say so plainly and offer what there is, never another role's answer."""
    offered = list(suggestions) + ([fallback] if fallback and fallback not in suggestions else [])
    return [
        {"text": f"Sorry, I don't have an answer about {topic.label} for {role.plural} yet."},
        {"text": f"Here's what I can tell you about {role.plural}:", "buttons": question_buttons(offered) + [SOMETHING_ELSE]},
        {"json_message": {"type": "no_answer", "reason": "no_variant", "role": role.id, "topic": topic.id, "candidates": [e.id for e in offered]}},
    ]


def location_not_covered_messages(kb: KnowledgeBase, entry: Entry, location: Location) -> List[Message]:
    topic, role = kb.topic(entry.topic), kb.role(entry.role)
    return [
        {
            "text": f"I only have UK information, so I can't tell you about {topic.label} for {role.plural} in {location.label}. "
            "Pay, demand and routes in differ between countries, so check a local source there.",
            "buttons": [{"title": f"{entry.title} (UK answer)", "payload": faq_payload(entry, location="uk")}],
        },
        {"json_message": {"type": "no_answer", "reason": "location", "location": location.id, "role": role.id, "topic": topic.id, "candidates": [entry.id]}},
    ]


def other_role_messages(job: Role) -> List[Message]:
    """A job we do not cover: say so, rather than pass a project manager's answer off as theirs."""
    return [
        {
            "text": f"Sorry, I only cover careers in project management and the roles around it (programme manager, "
            f"PMO, Scrum Master, change manager, IT project manager), so I can't answer for {job.plural}. "
            f"If you're a {job.label} thinking of moving into project management, ask me about that."
        },
        {"json_message": {"type": "out_of_scope", "reason": "other_role", "other_role": job.id}},
    ]


def location_only_messages(location: Location) -> List[Message]:
    if location.covered:
        text = f"My answers are written for {location.label}. What would you like to know about a career in project management?"
    else:
        text = (
            f"My answers are written for the UK, so I can't answer for {location.label}. "
            "Ask me anyway and I'll tell you what applies in the UK."
        )
    return [{"text": text}, {"json_message": {"type": "location", "location": location.id, "covered": location.covered}}]


def choose_question_messages(kb: KnowledgeBase, role: Role, entries: Sequence[Entry]) -> List[Message]:
    """A follow-up with nothing before it ("what about PMO?"): what would they like to know?"""
    return [
        {"text": f"What would you like to know about {role.plural}?", "buttons": question_buttons(entries) + [SOMETHING_ELSE]},
        {"json_message": {"type": "choose_question", "role": role.id, "candidates": [e.id for e in entries]}},
    ]


def which_role_messages(kb: KnowledgeBase) -> List[Message]:
    buttons = [{"title": _capitalised(r.plural), "payload": "/follow_up" + json.dumps({"role": r.id})} for r in kb.roles]
    return [
        {"text": "Which role do you mean? I can answer questions about these:", "buttons": buttons},
        {"json_message": {"type": "clarify_role"}},
    ]


def certification_messages(kb: KnowledgeBase, certification: Certification) -> List[Message]:
    entry = kb.entry(certification.faq)
    return [
        {"text": certification.summary},
        {"text": "More on choosing a certification:", "buttons": question_buttons([entry])},
        {"json_message": {"type": "certification", "certification": certification.id, "faq_id": entry.id}},
    ]


def compare_messages(kb: KnowledgeBase, topic: Topic, roles: Sequence[str], entries: Sequence[Optional[Entry]]) -> List[Message]:
    """Two roles side by side on one topic, from each answer's one-line summary."""
    lines = []
    for role_id, entry in zip(roles, entries):
        fact = entry.summary if entry and entry.summary else "I don't have a figure for this yet."
        lines.append(f"- {_capitalised(kb.role(role_id).label)}: {fact}")
    found = [e for e in entries if e]
    return [
        {"text": f"Comparing {topic.label}:\n" + "\n".join(lines) + "\nIt varies by employer, sector and region, so treat this as a guide."},
        *([{"text": "The full answers:", "buttons": question_buttons(found)}] if found else []),
        {"json_message": {"type": "comparison", "roles": list(roles), "topic": topic.id, "candidates": [e.id for e in found]}},
    ]


def compare_overall_messages(kb: KnowledgeBase, roles: Sequence[str]) -> List[Message]:
    """ "Which is better for my career?" has no single answer: say so, then the facts that help decide."""
    entries = [e for role in roles for e in (kb.answer_for("role_difference", role), kb.answer_for("career_choice", role), kb.answer_for("career_path", role)) if e]
    return [
        {
            "text": "Neither role is better for everyone: it depends on what you enjoy, your experience so far "
            "and where you want to end up. These answers set out the differences:",
            "buttons": question_buttons(entries[:5]),
        },
        {"json_message": {"type": "comparison", "roles": list(roles), "topic": "career_choice", "candidates": [e.id for e in entries[:5]]}},
    ]


def compare_which_roles_messages(kb: KnowledgeBase, roles: Sequence[str]) -> List[Message]:
    named = f" {_capitalised(kb.role(roles[0]).plural)} with which other role?" if roles else ""
    return [
        {"text": "Which two roles would you like me to compare?" + named + " For example: \"Which pays more, a PMO analyst or a Scrum Master?\""},
        {"json_message": {"type": "clarify_comparison", "roles": list(roles)}},
    ]


def more_messages(kb: KnowledgeBase, entry: Entry, related: Sequence[Entry], base_url: str) -> List[Message]:
    return [
        {"text": f"These articles go further into \"{entry.title}\":", "buttons": _link_buttons(kb, entry.articles, base_url)},
        *([{"text": "You might also ask:", "buttons": question_buttons(related)}] if related else []),
        {"json_message": {"type": "more", "faq_id": entry.id, "role": entry.role, "topic": entry.topic, "candidates": [e.id for e in related]}},
    ]


def articles_messages(kb: KnowledgeBase, entry: Entry, base_url: str) -> List[Message]:
    articles = [kb.article(a) for a in entry.articles]
    lines = "\n".join(f"- {a.title}: {a.summary}" for a in articles)
    return [
        {"text": f"Articles on \"{entry.title}\":\n{lines}", "buttons": _link_buttons(kb, entry.articles, base_url)},
        {"json_message": {"type": "articles", "faq_id": entry.id, "role": entry.role, "topic": entry.topic, "articles": list(entry.articles)}},
    ]


def sources_messages(kb: KnowledgeBase, entry: Entry) -> List[Message]:
    cited = "; ".join(f"{s.name} ({s.year})" for s in entry.sources)
    return [
        {
            "text": f"My answer to \"{entry.title}\" is based on: {cited}. "
            "Figures like pay and demand change every year, so check the source for the latest."
        },
        {"json_message": {"type": "sources", "faq_id": entry.id, "role": entry.role, "topic": entry.topic, "sources": [s.name for s in entry.sources]}},
    ]


def nothing_yet_messages() -> List[Message]:
    return [{"text": NOTHING_YET_TEXT}, {"json_message": {"type": "fallback", "reason": "no_context"}}]


def fallback_messages() -> List[Message]:
    return [{"text": FALLBACK_TEXT}, {"json_message": {"type": "fallback"}}]
