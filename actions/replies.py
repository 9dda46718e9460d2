"""Builds the messages the assistant sends, as plain dicts. No Rasa imports.

Each reply is a list of messages in the shape of rasa_sdk's `dispatcher.utter_message` keyword
arguments (`text`, `buttons`, `json_message`). Every reply ends with a `json_message` (sent as
`custom`) whose `type` tells clients and analytics what kind of reply it was.
"""

import json
from typing import Any, Dict, Iterable, List, Optional, Sequence

from core import texts
from core.knowledge import (
    Certification,
    Entry,
    KnowledgeBase,
    Location,
    Role,
    Topic,
    article_url,
    faq_intent,
)
from core.knowledge.ids import PROJECT_MANAGER, UK

Message = Dict[str, Any]

SOMETHING_ELSE = {"title": texts.SOMETHING_ELSE, "payload": "/something_else"}


def faq_payload(entry: Entry, location: Optional[str] = None) -> str:
    """A button payload that answers this entry when clicked: its intent (which Rasa takes as
    certain) and its role, so the click answers exactly this entry whatever the conversation was
    about."""
    entities = {"role": entry.role, **({"location": location} if location else {})}
    return "/" + faq_intent(entry.intent_entry_id) + json.dumps(entities, sort_keys=True)


def question_buttons(entries: Iterable[Entry]) -> List[Dict[str, str]]:
    return [{"title": e.title, "payload": faq_payload(e)} for e in entries]


def link_buttons(
    kb: KnowledgeBase, article_ids: Iterable[str], base_url: str
) -> List[Dict[str, str]]:
    articles = [kb.article(article_id) for article_id in article_ids]
    return [
        {"title": a.title, "type": "web_url", "url": article_url(a, base_url)} for a in articles
    ]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def answer_messages(
    kb: KnowledgeBase, faq_id: str, base_url: str, lead_in: Optional[str] = None
) -> List[Message]:
    """The answer (after a short note, if any), its related articles as link buttons, then the
    `faq_answer` marker."""
    entry = kb.entry(faq_id)
    if entry is None:
        raise KeyError(f"no knowledge-base entry {faq_id!r}")
    return [
        *([{"text": lead_in}] if lead_in else []),
        {"text": entry.answer},
        {"text": texts.RELATED_ARTICLES, "buttons": link_buttons(kb, entry.articles, base_url)},
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
    """'Did you mean ...?' with a button per candidate (clicking it answers that entry), plus
    'Something else'."""
    entries = [kb.entry(faq_id) for faq_id in candidates]
    entries = [e for e in entries if e is not None]
    return [
        {"text": texts.CLARIFY, "buttons": question_buttons(entries) + [SOMETHING_ELSE]},
        {"json_message": {"type": "clarify", "candidates": [e.id for e in entries]}},
    ]


def near_answer_note(kb: KnowledgeBase, topic_id: str, target: Entry) -> str:
    return texts.NEAR_ANSWER_NOTE.format(
        topic=kb.topic(topic_id).label, plural=kb.role(target.role).plural, title=target.title
    )


def covered_location_note(location: Location) -> str:
    return texts.COVERED_LOCATION_NOTE.format(location=location.label)


def no_answer_messages(
    kb: KnowledgeBase,
    topic: Topic,
    role: Role,
    suggestions: Sequence[Entry],
    fallback: Optional[Entry] = None,
) -> List[Message]:
    """No answer for this (topic, role): say so plainly and offer what there is, never another
    role's answer."""
    offered = list(suggestions) + ([fallback] if fallback and fallback not in suggestions else [])
    return [
        {"text": texts.NO_ANSWER.format(topic=topic.label, plural=role.plural)},
        {
            "text": texts.NO_ANSWER_OFFER.format(plural=role.plural),
            "buttons": question_buttons(offered) + [SOMETHING_ELSE],
        },
        {
            "json_message": {
                "type": "no_answer",
                "reason": "no_variant",
                "role": role.id,
                "topic": topic.id,
                "candidates": [e.id for e in offered],
            }
        },
    ]


def location_not_covered_messages(
    kb: KnowledgeBase, entry: Entry, location: Location
) -> List[Message]:
    topic, role = kb.topic(entry.topic), kb.role(entry.role)
    return [
        {
            "text": texts.LOCATION_NOT_COVERED.format(
                topic=topic.label, plural=role.plural, location=location.label
            ),
            "buttons": [
                {
                    "title": texts.UK_ANSWER_BUTTON.format(title=entry.title),
                    "payload": faq_payload(entry, location=UK),
                }
            ],
        },
        {
            "json_message": {
                "type": "no_answer",
                "reason": "location",
                "location": location.id,
                "role": role.id,
                "topic": topic.id,
                "candidates": [entry.id],
            }
        },
    ]


def other_role_messages(kb: KnowledgeBase, job: Role) -> List[Message]:
    """A job we do not cover: say so, rather than pass a project manager's answer off as theirs."""
    covered = ", ".join(role.label for role in kb.roles if role.id != PROJECT_MANAGER)
    return [
        {"text": texts.OTHER_ROLE.format(roles=covered, plural=job.plural, label=job.label)},
        {"json_message": {"type": "out_of_scope", "reason": "other_role", "other_role": job.id}},
    ]


def location_only_messages(location: Location) -> List[Message]:
    text = (texts.LOCATION_COVERED if location.covered else texts.LOCATION_ONLY).format(
        location=location.label
    )
    return [
        {"text": text},
        {
            "json_message": {
                "type": "location",
                "location": location.id,
                "covered": location.covered,
            }
        },
    ]


def choose_question_messages(
    kb: KnowledgeBase, role: Role, entries: Sequence[Entry]
) -> List[Message]:
    """A follow-up with nothing before it ("what about PMO?"): what would they like to know?"""
    return [
        {
            "text": texts.CHOOSE_QUESTION.format(plural=role.plural),
            "buttons": question_buttons(entries) + [SOMETHING_ELSE],
        },
        {
            "json_message": {
                "type": "choose_question",
                "role": role.id,
                "candidates": [e.id for e in entries],
            }
        },
    ]


def which_role_messages(kb: KnowledgeBase) -> List[Message]:
    buttons = [
        {"title": capitalised(r.plural), "payload": "/follow_up" + json.dumps({"role": r.id})}
        for r in kb.roles
    ]
    return [
        {"text": texts.WHICH_ROLE, "buttons": buttons},
        {"json_message": {"type": "clarify_role"}},
    ]


def certification_messages(kb: KnowledgeBase, certification: Certification) -> List[Message]:
    entry = kb.entry(certification.faq)
    return [
        {"text": certification.summary},
        {"text": texts.MORE_ON_CERTIFICATIONS, "buttons": question_buttons([entry])},
        {
            "json_message": {
                "type": "certification",
                "certification": certification.id,
                "faq_id": entry.id,
            }
        },
    ]


def nothing_yet_messages() -> List[Message]:
    return [
        {"text": texts.NOTHING_YET},
        {"json_message": {"type": "fallback", "reason": "no_context"}},
    ]


def fallback_messages() -> List[Message]:
    return [{"text": texts.FALLBACK}, {"json_message": {"type": "fallback"}}]
