"""Replies about what was already said: two roles compared, more on the last answer, its articles
and its sources. Plain dicts, as in replies.py. No Rasa imports."""

from typing import List, Optional, Sequence

from actions.replies import Message, capitalised, link_buttons, question_buttons
from core import texts
from core.knowledge import Entry, KnowledgeBase, Topic
from core.knowledge.ids import CAREER_CHOICE, ROLE_COMPARISON_TOPICS


def compare_messages(
    kb: KnowledgeBase, topic: Topic, roles: Sequence[str], entries: Sequence[Optional[Entry]]
) -> List[Message]:
    """Two roles side by side on one topic, from each answer's one-line summary."""
    lines = []
    for role_id, entry in zip(roles, entries):
        fact = entry.summary if entry and entry.summary else texts.NO_FIGURE
        lines.append(f"- {capitalised(kb.role(role_id).label)}: {fact}")
    found = [e for e in entries if e]
    return [
        {"text": texts.COMPARING.format(topic=topic.label, lines="\n".join(lines))},
        *([{"text": texts.FULL_ANSWERS, "buttons": question_buttons(found)}] if found else []),
        {
            "json_message": {
                "type": "comparison",
                "roles": list(roles),
                "topic": topic.id,
                "candidates": [e.id for e in found],
            }
        },
    ]


def compare_overall_messages(kb: KnowledgeBase, roles: Sequence[str]) -> List[Message]:
    """ "Which is better for my career?" has no single answer: say so, then the facts that help
    decide."""
    entries = [
        e
        for role in roles
        for e in (kb.answer_for(topic, role) for topic in ROLE_COMPARISON_TOPICS)
        if e
    ]
    return [
        {"text": texts.COMPARE_OVERALL, "buttons": question_buttons(entries[:5])},
        {
            "json_message": {
                "type": "comparison",
                "roles": list(roles),
                "topic": CAREER_CHOICE,
                "candidates": [e.id for e in entries[:5]],
            }
        },
    ]


def compare_which_roles_messages(kb: KnowledgeBase, roles: Sequence[str]) -> List[Message]:
    named = (
        texts.COMPARE_WITH_WHICH.format(plural=capitalised(kb.role(roles[0]).plural))
        if roles
        else ""
    )
    return [
        {"text": texts.COMPARE_WHICH_ROLES.format(named=named)},
        {"json_message": {"type": "clarify_comparison", "roles": list(roles)}},
    ]


def more_messages(
    kb: KnowledgeBase, entry: Entry, related: Sequence[Entry], base_url: str
) -> List[Message]:
    return [
        {
            "text": texts.MORE.format(title=entry.title),
            "buttons": link_buttons(kb, entry.articles, base_url),
        },
        *([{"text": texts.YOU_MIGHT_ASK, "buttons": question_buttons(related)}] if related else []),
        {
            "json_message": {
                "type": "more",
                "faq_id": entry.id,
                "role": entry.role,
                "topic": entry.topic,
                "candidates": [e.id for e in related],
            }
        },
    ]


def articles_messages(kb: KnowledgeBase, entry: Entry, base_url: str) -> List[Message]:
    articles = [kb.article(a) for a in entry.articles]
    lines = "\n".join(f"- {a.title}: {a.summary}" for a in articles)
    return [
        {
            "text": texts.ARTICLES.format(title=entry.title, lines=lines),
            "buttons": link_buttons(kb, entry.articles, base_url),
        },
        {
            "json_message": {
                "type": "articles",
                "faq_id": entry.id,
                "role": entry.role,
                "topic": entry.topic,
                "articles": list(entry.articles),
            }
        },
    ]


def sources_messages(kb: KnowledgeBase, entry: Entry) -> List[Message]:
    cited = "; ".join(f"{s.name} ({s.year})" for s in entry.sources)
    return [
        {"text": texts.SOURCES.format(title=entry.title, cited=cited)},
        {
            "json_message": {
                "type": "sources",
                "faq_id": entry.id,
                "role": entry.role,
                "topic": entry.topic,
                "sources": [s.name for s in entry.sources],
            }
        },
    ]
