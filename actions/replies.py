"""Builds the messages the assistant sends, as plain dicts. No Rasa imports.

Each reply is a list of messages in the shape of rasa_sdk's `dispatcher.utter_message` keyword
arguments (`text`, `buttons`, `json_message`). Every reply ends with a `json_message` (sent as
`custom`) whose `type` tells clients and analytics what kind of reply it was.
"""
from typing import Any, Dict, Iterable, List

from actions.knowledge import KnowledgeBase, article_url, faq_intent

Message = Dict[str, Any]

CLARIFY_TEXT = "I'm not sure which of these you mean. Did you mean:"
FALLBACK_TEXT = (
    "Sorry, I didn't understand that. Could you put it another way? I can help with questions about "
    "careers in project management, such as how to get started, which qualifications to take, or what "
    "project managers earn."
)
SOMETHING_ELSE = {"title": "Something else", "payload": "/something_else"}


def faq_payload(faq_id: str) -> str:
    """A button payload that answers this entry when clicked: its intent, which Rasa takes as certain."""
    return "/" + faq_intent(faq_id)


def answer_messages(kb: KnowledgeBase, faq_id: str, base_url: str) -> List[Message]:
    """The answer, then its related articles as link buttons, then the `faq_answer` marker."""
    entry = kb.entry(faq_id)
    if entry is None:
        raise KeyError(f"no knowledge-base entry {faq_id!r}")
    articles = [kb.article(article_id) for article_id in entry.articles]
    links = [{"title": a.title, "type": "web_url", "url": article_url(a, base_url)} for a in articles]
    return [
        {"text": entry.answer},
        {"text": "Related articles:", "buttons": links},
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
    buttons = [{"title": e.title, "payload": faq_payload(e.id)} for e in entries] + [SOMETHING_ELSE]
    return [
        {"text": CLARIFY_TEXT, "buttons": buttons},
        {"json_message": {"type": "clarify", "candidates": [e.id for e in entries]}},
    ]


def fallback_messages() -> List[Message]:
    return [{"text": FALLBACK_TEXT}, {"json_message": {"type": "fallback"}}]
