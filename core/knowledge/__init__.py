"""The knowledge base: its model (model.py), the loader and its checks (loader.py, entries.py,
files.py, rules.py), and the ids the code relies on (ids.py). No Rasa imports."""

from core.knowledge.files import KnowledgeBaseError
from core.knowledge.loader import load_knowledge_base
from core.knowledge.model import (
    Article,
    Certification,
    Entry,
    KnowledgeBase,
    Location,
    Role,
    Source,
    Topic,
    article_url,
    faq_id_of,
    faq_intent,
    normalise,
)

__all__ = [
    "Article",
    "Certification",
    "Entry",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Location",
    "Role",
    "Source",
    "Topic",
    "article_url",
    "faq_id_of",
    "faq_intent",
    "load_knowledge_base",
    "normalise",
]
