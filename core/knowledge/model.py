"""The knowledge base as the assistants use it: entries, articles, roles, topics and the look-ups
between them. Immutable; built by `core.knowledge.loader`. No Rasa imports.

One answer per (topic, role): that is what lets a follow-up ("what about programme managers?") keep
the topic and change the role.
"""

import re
from dataclasses import dataclass
from typing import Optional, Tuple

# Each entry with questions of its own is one NLU intent, named faq_<id>.
FAQ_INTENT_PREFIX = "faq_"


@dataclass(frozen=True)
class Source:
    name: str
    year: int


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    role: str
    questions: Tuple[str, ...]
    answer: str
    sources: Tuple[Source, ...]
    articles: Tuple[str, ...]
    # What buttons show: the source page's wording of the question (its first page question), or a
    # variant's first question.
    title: str
    # For a variant: the entry whose intent it is reached through. None for an entry with its own
    # intent.
    variant_of: Optional[str] = None
    # One sentence with the key fact, shown when two roles are compared on this topic.
    summary: Optional[str] = None

    @property
    def intent_entry_id(self) -> str:
        """The entry whose faq_<id> intent this entry's questions train."""
        return self.variant_of or self.id


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    summary: str
    url: str
    tags: Tuple[str, ...]


@dataclass(frozen=True)
class Role:
    id: str
    label: str  # "programme manager"
    plural: str  # "programme managers": "I don't have that for programme managers yet"
    synonyms: Tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    # Words that name the topic in a comparison ("which one pays more?" -> salary).
    synonyms: Tuple[str, ...] = ()
    # Topics whose answer may stand in for this one for a role that has no answer here
    # (for most roles "what qualifications?" is answered by "which certifications?").
    near: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Location:
    id: str
    label: str
    synonyms: Tuple[str, ...]
    covered: bool  # our answers are written for this place


@dataclass(frozen=True)
class Certification:
    id: str
    label: str
    synonyms: Tuple[str, ...]
    summary: str
    sources: Tuple[Source, ...]
    faq: str  # the entry that covers it in more depth


def normalise(text: str) -> str:
    """The form in which two questions count as the same: case, spacing and end punctuation
    ignored."""
    return re.sub(r"\s+", " ", text).strip().rstrip("?!. ").lower()


def faq_intent(entry_id: str) -> str:
    return FAQ_INTENT_PREFIX + entry_id


def faq_id_of(intent: Optional[str]) -> Optional[str]:
    """The entry id of a faq_<id> intent, or None for any other intent."""
    if intent and intent.startswith(FAQ_INTENT_PREFIX):
        return intent[len(FAQ_INTENT_PREFIX) :]
    return None


def article_url(article: Article, base_url: str) -> str:
    return base_url.rstrip("/") + article.url


@dataclass(frozen=True)
class KnowledgeBase:
    entries: Tuple[Entry, ...]  # entries with an intent of their own, then variants
    articles: Tuple[Article, ...]
    roles: Tuple[Role, ...]
    topics: Tuple[Topic, ...]
    page_questions: Tuple[str, ...]
    locations: Tuple[Location, ...] = ()
    certifications: Tuple[Certification, ...] = ()
    other_roles: Tuple[Role, ...] = ()  # jobs we do not cover

    def __post_init__(self) -> None:
        # Look-ups, built once (the action server answers from these on every message).
        for name, items in (
            ("_entries", self.entries),
            ("_articles", self.articles),
            ("_roles", self.roles),
            ("_topics", self.topics),
            ("_locations", self.locations),
            ("_certifications", self.certifications),
            ("_other_roles", self.other_roles),
        ):
            object.__setattr__(self, name, {item.id: item for item in items})
        object.__setattr__(self, "_by_topic_and_role", {(e.topic, e.role): e for e in self.entries})

    @property
    def intent_entries(self) -> Tuple[Entry, ...]:
        """The entries with an intent of their own (not variants)."""
        return tuple(e for e in self.entries if e.variant_of is None)

    def answer_for(self, topic: str, role: str) -> Optional[Entry]:
        """The entry answering `topic` for `role`, if the knowledge base has one."""
        return self._by_topic_and_role.get((topic, role))

    def entries_for_role(self, role: str) -> Tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.role == role)

    def variants_of(self, entry_id: str) -> Tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.variant_of == entry_id)

    def entry(self, entry_id: str) -> Optional[Entry]:
        return self._entries.get(entry_id)

    def article(self, article_id: str) -> Optional[Article]:
        return self._articles.get(article_id)

    def role(self, role_id: str) -> Optional[Role]:
        return self._roles.get(role_id)

    def topic(self, topic_id: str) -> Optional[Topic]:
        return self._topics.get(topic_id)

    def location(self, location_id: str) -> Optional[Location]:
        return self._locations.get(location_id)

    def certification(self, certification_id: str) -> Optional[Certification]:
        return self._certifications.get(certification_id)

    def other_role(self, role_id: str) -> Optional[Role]:
        return self._other_roles.get(role_id)
