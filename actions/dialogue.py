"""Keeps the thread of a conversation: which role, place and topic a message is about. No Rasa
imports.

A question ("Is it stressful?") or a follow-up ("what about programme managers?") is resolved
against what the conversation is about (`Context`, read from the slots) and what the message
names (`Mentions`, from the NLU entities). The knowledge base has at most one answer per
(topic, role); when it has none for the combination asked, the assistant says so and offers the
questions it can answer, and never replays an answer about another role.

Each function returns an `Outcome`: the messages to send and the slots to set.
"""

from typing import Dict, Iterable, List, Optional

from actions import replies, replies_about
from actions.conversation import Context, Mentions, Outcome, answer_in_topic, requested_role
from core import texts
from core.knowledge import Entry, KnowledgeBase, ids
from core.knowledge.ids import PROJECT_MANAGER

MAX_CHOICES = 5


def _role_slots(context: Context, role: str) -> Dict[str, Optional[str]]:
    """The conversation is now about `role`; the one before it is kept for comparisons."""
    previous = context.role if context.role and context.role != role else context.previous_role
    return {"role": role, "previous_role": previous}


def _answer_slots(
    entry: Entry, context: Context, location: Optional[str]
) -> Dict[str, Optional[str]]:
    return {
        "faq_id": entry.id,
        "topic": entry.topic,
        **_role_slots(context, entry.role),
        "location": location or context.location,
    }


def suggestions_for_role(
    kb: KnowledgeBase, role: str, first_topic: Optional[str] = None
) -> List[Entry]:
    """Questions the knowledge base answers for `role`, the asked topic's near topics first."""
    entries = list(kb.entries_for_role(role))
    near = set(kb.topic(first_topic).near) if first_topic and kb.topic(first_topic) else set()
    entries.sort(key=lambda e: (e.topic not in near, e.variant_of is not None))
    return entries[:MAX_CHOICES]


def answer(
    kb: KnowledgeBase,
    base_url: str,
    entry: Entry,
    mentions: Mentions,
    context: Context,
    lead_in: Optional[str] = None,
    role: Optional[str] = None,
) -> Outcome:
    """Answers `entry`'s question for `role` (by default the role the message or the conversation is
    about) and the place the message names."""
    if mentions.only_other_roles and role is None:
        return Outcome(replies.other_role_messages(kb, kb.other_role(mentions.other_roles[0])))
    role = role or requested_role(kb, entry, mentions, context)
    location_id = mentions.locations[0] if mentions.locations else None
    location = kb.location(location_id) if location_id else None
    target, near = (entry, False) if role == entry.role else answer_in_topic(kb, entry.topic, role)

    if target is None:
        topic = kb.topic(entry.topic)
        return Outcome(
            replies.no_answer_messages(
                kb,
                topic,
                kb.role(role),
                suggestions_for_role(kb, role, entry.topic),
                fallback=entry,
            ),
            {"topic": entry.topic, **_role_slots(context, role)},
        )
    if location and not location.covered:
        return Outcome(
            replies.location_not_covered_messages(kb, target, location),
            {**_answer_slots(target, context, location.id), "faq_id": context.faq_id},
        )
    notes = [lead_in] if lead_in else []
    if near:
        notes.append(replies.near_answer_note(kb, entry.topic, target))
    elif (
        not location
        and context.location
        and kb.location(context.location)
        and not kb.location(context.location).covered
    ):
        notes.append(texts.UK_ONLY_NOTE)
    return Outcome(
        replies.answer_messages(kb, target.id, base_url, lead_in=" ".join(notes) or None),
        _answer_slots(target, context, location_id),
    )


def clarify(
    kb: KnowledgeBase, candidates: Iterable[str], mentions: Mentions, context: Context
) -> Outcome:
    """ "Did you mean ...?" with the candidates the classifier ranked. A project manager's question
    is offered for the role the message or the conversation is about, when that role has an answer
    ("how do I get into it as a Scrum Master?" offers the Scrum Master's); an entry about a role of
    its own stays as it is."""
    offered: List[Entry] = []
    for entry in filter(None, (kb.entry(c) for c in candidates)):
        if entry.role == PROJECT_MANAGER:
            role = requested_role(kb, entry, mentions, context)
            entry = answer_in_topic(kb, entry.topic, role)[0] or entry
        if entry not in offered:
            offered.append(entry)
    return Outcome(replies.clarify_messages(kb, [e.id for e in offered]))


def also_asked(
    kb: KnowledgeBase, outcome: Outcome, faq_id: str, mentions: Mentions, context: Context
) -> Outcome:
    """An answer to a message that asked two things: the other question as a button after it."""
    marker = outcome.messages[-1].get("json_message") or {}
    entry = kb.entry(faq_id)
    if entry is None or marker.get("type") != "faq_answer":
        return outcome
    if entry.role == PROJECT_MANAGER:
        entry = (
            answer_in_topic(kb, entry.topic, requested_role(kb, entry, mentions, context))[0]
            or entry
        )
    if entry.id == marker.get("faq_id"):
        return outcome
    button = {"text": texts.ALSO_ASKED, "buttons": replies.question_buttons([entry])}
    marker = {**marker, "also_asked": [entry.id]}
    return Outcome([*outcome.messages[:-1], button, {"json_message": marker}], outcome.slots)


def follow_up(kb: KnowledgeBase, base_url: str, mentions: Mentions, context: Context) -> Outcome:
    """ "what about programme managers?", "and in the UK?", "what about PMP?", "what about pay?" """
    if mentions.certifications:
        certification = kb.certification(mentions.certifications[0])
        return Outcome(
            replies.certification_messages(kb, certification), {"topic": ids.CERTIFICATION}
        )

    last = _last_answer(kb, context)
    if mentions.only_other_roles:
        return Outcome(replies.other_role_messages(kb, kb.other_role(mentions.other_roles[0])))
    if mentions.roles:
        role = mentions.roles[-1]  # "and for a PMO analyst rather than a PM?": the last one named
        topic = mentions.topics[0] if mentions.topics else (last.topic if last else context.topic)
        if topic is None:
            choices = suggestions_for_role(kb, role)
            return Outcome(
                replies.choose_question_messages(kb, kb.role(role), choices),
                _role_slots(context, role),
            )
        base = (
            last
            if last and last.topic == topic
            else kb.answer_for(topic, role) or _any_in_topic(kb, topic)
        )
        if base is None:
            return Outcome(
                replies.choose_question_messages(kb, kb.role(role), suggestions_for_role(kb, role)),
                _role_slots(context, role),
            )
        return answer(kb, base_url, base, mentions, context, role=role)

    if mentions.topics:
        role = context.role or PROJECT_MANAGER
        base = kb.answer_for(mentions.topics[0], role) or _any_in_topic(kb, mentions.topics[0])
        if base:
            return answer(kb, base_url, base, mentions, context, role=role)

    if mentions.locations:
        location = kb.location(mentions.locations[0])
        if last is None:
            return Outcome(replies.location_only_messages(location), {"location": location.id})
        # The same question for the role the conversation is about now (which may have no answer).
        role = context.role or last.role
        lead_in = replies.covered_location_note(location) if location.covered else None
        return answer(kb, base_url, last, mentions, context, lead_in=lead_in, role=role)
    return Outcome(replies.which_role_messages(kb))


def _any_in_topic(kb: KnowledgeBase, topic: str) -> Optional[Entry]:
    return kb.answer_for(topic, PROJECT_MANAGER) or next(
        (e for e in kb.entries if e.topic == topic), None
    )


def compare(kb: KnowledgeBase, mentions: Mentions, context: Context) -> Outcome:
    """ "which one pays more?" after two roles were discussed, or "PMO or Scrum Master: which is
    more senior?" """
    roles = list(mentions.roles)
    for role in (context.role, context.previous_role):
        if len(roles) < 2 and role and role not in roles:
            roles.append(role)
    if len(roles) < 2:
        return Outcome(replies_about.compare_which_roles_messages(kb, roles))
    roles = roles[:2]
    topic = kb.topic(mentions.topics[0]) if mentions.topics else None
    if topic is None:
        return Outcome(
            replies_about.compare_overall_messages(kb, roles), {"topic": ids.CAREER_CHOICE}
        )
    entries = [kb.answer_for(topic.id, role) for role in roles]
    return Outcome(replies_about.compare_messages(kb, topic, roles, entries), {"topic": topic.id})


def _last_answer(kb: KnowledgeBase, context: Context) -> Optional[Entry]:
    return kb.entry(context.faq_id) if context.faq_id else None


def tell_more(kb: KnowledgeBase, base_url: str, context: Context) -> Outcome:
    entry = _last_answer(kb, context)
    if entry is None:
        return Outcome(replies.nothing_yet_messages())
    related = [e for e in suggestions_for_role(kb, entry.role) if e.id != entry.id][:3]
    related += [
        e for e in kb.entries if e.topic == entry.topic and e.id != entry.id and e not in related
    ][: 5 - len(related)]
    return Outcome(replies_about.more_messages(kb, entry, related, base_url))


def list_articles(kb: KnowledgeBase, base_url: str, context: Context) -> Outcome:
    entry = _last_answer(kb, context)
    return Outcome(
        replies_about.articles_messages(kb, entry, base_url)
        if entry
        else replies.nothing_yet_messages()
    )


def cite_sources(kb: KnowledgeBase, context: Context) -> Outcome:
    entry = _last_answer(kb, context)
    return Outcome(
        replies_about.sources_messages(kb, entry) if entry else replies.nothing_yet_messages()
    )
