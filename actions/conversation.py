"""What a message is about: the conversation so far (`Context`, from the slots), what the message
names (`Mentions`, from the NLU entities), and which (topic, role) answer that asks for. No Rasa
imports. The dialogue functions (actions/dialogue.py) return an `Outcome`."""

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from actions.replies import Message
from core.knowledge import Entry, KnowledgeBase
from core.knowledge.ids import PROJECT_MANAGER
from core.mentions import CERTIFICATION, LOCATION, OTHER_ROLE, ROLE, TOPIC


@dataclass(frozen=True)
class Context:
    """What the conversation is about so far (the slots the actions set)."""

    faq_id: Optional[str] = None
    topic: Optional[str] = None
    role: Optional[str] = None
    previous_role: Optional[str] = (
        None  # the role before the current one, for "which one pays more?"
    )
    location: Optional[str] = None

    @classmethod
    def from_slots(cls, slots: Dict[str, Any]) -> "Context":
        return cls(**{name: slots.get(name) or None for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Mentions:
    """The canonical ids a message names, per entity type, in the order written, each once."""

    roles: Tuple[str, ...] = ()
    locations: Tuple[str, ...] = ()
    certifications: Tuple[str, ...] = ()
    topics: Tuple[str, ...] = ()
    other_roles: Tuple[str, ...] = ()  # jobs we do not cover

    @classmethod
    def from_entities(cls, entities: Iterable[Dict[str, Any]], kb: KnowledgeBase) -> "Mentions":
        """From Rasa's entities; values the knowledge base does not know are ignored."""
        known = {
            ROLE: kb.role,
            LOCATION: kb.location,
            CERTIFICATION: kb.certification,
            TOPIC: kb.topic,
            OTHER_ROLE: kb.other_role,
        }
        found: Dict[str, List[str]] = {kind: [] for kind in known}
        for entity in sorted(entities or [], key=lambda e: e.get("start") or 0):
            kind, value = entity.get("entity"), entity.get("value")
            if (
                kind in known
                and isinstance(value, str)
                and known[kind](value)
                and value not in found[kind]
            ):
                found[kind].append(value)
        return cls(
            *(tuple(found[kind]) for kind in (ROLE, LOCATION, CERTIFICATION, TOPIC, OTHER_ROLE))
        )

    @property
    def only_other_roles(self) -> bool:
        """Names a job we do not cover ("product manager") and none that we do."""
        return bool(self.other_roles) and not self.roles


@dataclass(frozen=True)
class Outcome:
    messages: List[Message]
    slots: Dict[str, Optional[str]] = field(default_factory=dict)


def requested_role(kb: KnowledgeBase, entry: Entry, mentions: Mentions, context: Context) -> str:
    """The role a question about `entry`'s topic is asking about."""
    topic, roles = entry.topic, mentions.roles
    if len(roles) > 1:
        # "What's the difference between a PMO and a PM?": the entry is about the pair it names.
        if entry.role in roles:
            return entry.role
        others = [r for r in roles if r != PROJECT_MANAGER]
        return next(
            (r for r in others if kb.answer_for(topic, r)), others[0] if others else entry.role
        )
    if roles:
        role = roles[0]
        if role == PROJECT_MANAGER and not kb.answer_for(topic, role):
            # Topics like "how does X differ from a project manager?" name the project manager as
            # the yardstick, not as the role asked about: keep the conversation's role.
            return (
                context.role if context.role and kb.answer_for(topic, context.role) else entry.role
            )
        return role
    return context.role or entry.role


def answer_in_topic(kb: KnowledgeBase, topic: str, role: str) -> Tuple[Optional[Entry], bool]:
    """The answer for (topic, role), or a near topic's answer for that role; and whether it is a
    near one."""
    entry = kb.answer_for(topic, role)
    if entry:
        return entry, False
    for near in kb.topic(topic).near if kb.topic(topic) else ():
        entry = kb.answer_for(near, role)
        if entry:
            return entry, True
    return None, False
