"""The training data and domain that derive from the knowledge base (data/generated/,
domain/generated/)."""

import itertools
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

import yaml

from core.knowledge import KnowledgeBase, KnowledgeBaseError, faq_intent, normalise
from core.mentions import (
    CERTIFICATION,
    ENTITY_TYPES,
    LOCATION,
    OTHER_ROLE,
    ROLE,
    TOPIC,
    knowledge_forms,
)
from generator.annotate import Annotator
from generator.output import HEADER, NLU_VERSION, by_id, examples_block, generated

PHRASINGS = "phrasings.yml"


def nlu_faq(kb: KnowledgeBase, annotate: Annotator) -> str:
    """One intent faq_<id> per entry with its questions, plus its variants' questions (roles
    marked)."""
    out = [HEADER, NLU_VERSION, "nlu:\n"]
    for entry in by_id(kb.intent_entries):
        variant_questions = [
            annotate(q) for v in by_id(kb.variants_of(entry.id)) for q in v.questions
        ]
        out.append(examples_block(faq_intent(entry.id), list(entry.questions) + variant_questions))
    return "".join(out)


def nlu_entities(kb: KnowledgeBase) -> str:
    """Lookup tables (what the entity extractor matches) and synonyms (mention -> canonical id)."""
    out = [HEADER, NLU_VERSION, "nlu:\n"]
    forms = knowledge_forms(kb)
    for entity in ENTITY_TYPES:
        elements = [form for _, item_forms in forms[entity] for form in item_forms]
        out.append(
            f"- lookup: {entity}\n  examples: |\n" + "".join(f"    - {f}\n" for f in elements)
        )
    for entity in ENTITY_TYPES:
        for item_id, item_forms in forms[entity]:
            others = [f for f in item_forms if f.lower() != item_id]
            if others:
                out.append(
                    f"- synonym: {item_id}\n  examples: |\n"
                    + "".join(f"    - {f}\n" for f in others)
                )
    return "".join(out)


def fill(templates: Sequence[str], placeholder: str, values: Sequence[str]) -> List[str]:
    """Every template and every value at least once, paired in turn; deterministic."""
    if not templates or not values:
        return []
    count = max(len(templates), len(values))
    return [
        templates[i % len(templates)].replace(placeholder, values[i % len(values)])
        for i in range(count)
    ]


def unique(examples: Iterable[str]) -> List[str]:
    seen, out = set(), []
    for example in examples:
        if normalise(example) not in seen:
            seen.add(normalise(example))
            out.append(example)
    return out


def load_phrasings(kb_dir: Path) -> Dict:
    path = kb_dir / PHRASINGS
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KnowledgeBaseError([f"{PHRASINGS}: (file): cannot read: {error}"]) from None


def nlu_follow_ups(kb: KnowledgeBase, phrasings: Dict, annotate: Annotator) -> str:
    """follow_up and compare_roles examples: phrasings.yml templates filled with the knowledge
    base's names."""
    forms = knowledge_forms(kb)
    role_forms = [f for _, fs in forms[ROLE] for f in fs]
    singular = [f for r in kb.roles for f in r.synonyms]
    topic_synonyms = {f.lower() for _, fs in forms[TOPIC] for f in fs}
    topic_words = phrasings["follow_up"]["topic_words"]
    unknown = [w for w in topic_words if w.lower() not in topic_synonyms]
    if unknown:
        raise KnowledgeBaseError(
            [f"{PHRASINGS}: follow_up.topic_words: not synonyms of any topic (topics/): {unknown}"]
        )

    templates = phrasings["follow_up"]
    role_templates = templates["role"]
    follow_up = (
        fill([t for t in role_templates if "a {role}" not in t], "{role}", role_forms)
        + fill([t for t in role_templates if "a {role}" in t], "{role}", singular)
        + fill(templates["location"], "{location}", [f for _, fs in forms[LOCATION] for f in fs])
        + fill(
            templates["certification"],
            "{certification}",
            [f for _, fs in forms[CERTIFICATION] for f in fs],
        )
        + fill(templates["topic"], "{topic}", topic_words)
        + fill(
            templates["other_role"], "{other_role}", [f for _, fs in forms[OTHER_ROLE] for f in fs]
        )
    )
    pairs = list(itertools.permutations([r.label for r in kb.roles], 2))
    compare_templates = phrasings["compare_roles"]["roles"]
    compare = list(phrasings["compare_roles"]["plain"]) + [
        compare_templates[i % len(compare_templates)].replace("{role}", a).replace("{role2}", b)
        for i, (a, b) in enumerate(pairs)
    ]
    out = [HEADER, NLU_VERSION, "nlu:\n"]
    out.append(examples_block("follow_up", [annotate(e) for e in unique(follow_up)]))
    out.append(examples_block("compare_roles", [annotate(e) for e in unique(compare)]))
    return "".join(out)


def domain_faq(kb: KnowledgeBase) -> str:
    """The faq_<id> intents, for the domain (merged with the hand-written domain/pathfinder.yml)."""
    return generated({"intents": [faq_intent(e.id) for e in by_id(kb.intent_entries)]})


def rules_faq(kb: KnowledgeBase) -> str:
    """Every entry's intent goes to the answer action (which may still ask 'Did you mean ...?')."""
    return generated(
        {
            "rules": [
                {
                    "rule": f"answer {entry.id}",
                    "steps": [{"intent": faq_intent(entry.id)}, {"action": "action_answer_faq"}],
                }
                for entry in by_id(kb.intent_entries)
            ]
        }
    )


def training_stories(kb: KnowledgeBase) -> str:
    """One conversation per role: a question, a switch to the role, a comparison, then more on it.
    (No `entities:` on the follow-up: the story format would read `role` as an entity role.)"""
    first = by_id(kb.intent_entries)[0]
    steps = [
        {"intent": faq_intent(first.id)},
        {"action": "action_answer_faq"},
        {"intent": "follow_up"},
        {"action": "action_answer_follow_up"},
        {"intent": "compare_roles"},
        {"action": "action_compare_roles"},
        {"intent": "tell_me_more"},
        {"action": "action_tell_more"},
    ]
    return generated(
        {
            "stories": [
                {
                    "story": f"a question, then the same for {role.id}, compared, then more",
                    "steps": steps,
                }
                for role in kb.roles
            ]
        }
    )
