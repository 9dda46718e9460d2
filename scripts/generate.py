"""Generates the Rasa training and test data that derive from the knowledge base.

    python scripts/generate.py           write the generated files
    python scripts/generate.py --check   exit 1 if any generated file is missing or stale

Deterministic: the same knowledge base always gives byte-identical files (entries sorted by id).
A malformed knowledge base stops it with every problem listed by file, entry and reason.
"""
import argparse
import itertools
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.knowledge import Entry, KnowledgeBase, KnowledgeBaseError, faq_intent, load_knowledge_base, normalise  # noqa: E402
from actions.mentions import (  # noqa: E402
    CERTIFICATION,
    ENTITY_TYPES,
    LOCATION,
    OTHER_ROLE,
    ROLE,
    TOPIC,
    MentionFinder,
    canonical_ids,
    finder_for,
    knowledge_forms,
)

HEADER = (
    "# GENERATED FILE - DO NOT EDIT.\n"
    "# Made by scripts/generate.py from data/knowledge/ (run `make generate`).\n"
    "# Edit the knowledge base instead; `make test` fails when this file is stale.\n"
)
NLU_VERSION = 'version: "3.1"\n'
PHRASINGS = "phrasings.yml"
TEST_PHRASINGS = ROOT / "tests" / "stories" / "phrasings.yml"


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a repeated step out in full instead of as a YAML alias (&id001 / *id001)."""

    def ignore_aliases(self, data) -> bool:
        return True


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _block_line(text: str) -> str:
    # Examples sit in a YAML literal block, one per line: keep each on one line.
    return " ".join(text.split())


def _sorted(entries: Iterable[Entry]) -> List[Entry]:
    return sorted(entries, key=lambda e: e.id)


class Annotator:
    """Marks the entities in an example the way the NLU's extractor will find them."""

    def __init__(self, kb: KnowledgeBase):
        self.finder: MentionFinder = finder_for(kb)
        self.canonical = canonical_ids(kb)

    def entities(self, text: str) -> List[Dict[str, str]]:
        return [{m.entity: self.canonical[m.entity][m.text.lower()]} for m in self.finder.find(text)]

    def __call__(self, text: str) -> str:
        out, last = [], 0
        for m in self.finder.find(text):
            value = self.canonical[m.entity][m.text.lower()]
            out.append(text[last:m.start] + f'[{m.text}]{{"entity": "{m.entity}", "value": "{value}"}}')
            last = m.end
        return "".join(out) + text[last:]


def _examples_block(intent: str, examples: Iterable[str]) -> str:
    lines = "".join(f"    - {_block_line(e)}\n" for e in examples)
    return f"- intent: {intent}\n  examples: |\n{lines}"


def nlu_faq(kb: KnowledgeBase, annotate: Annotator) -> str:
    """One intent faq_<id> per entry with its questions, plus its variants' questions (roles marked)."""
    out = [HEADER, NLU_VERSION, "nlu:\n"]
    for entry in _sorted(kb.intent_entries):
        variant_questions = [annotate(q) for v in _sorted(kb.variants_of(entry.id)) for q in v.questions]
        out.append(_examples_block(faq_intent(entry.id), list(entry.questions) + variant_questions))
    return "".join(out)


def nlu_entities(kb: KnowledgeBase) -> str:
    """Lookup tables (what the entity extractor matches) and synonyms (mention -> canonical id)."""
    out = [HEADER, NLU_VERSION, "nlu:\n"]
    forms = knowledge_forms(kb)
    for entity in ENTITY_TYPES:
        elements = [form for _, item_forms in forms[entity] for form in item_forms]
        out.append(f"- lookup: {entity}\n  examples: |\n" + "".join(f"    - {f}\n" for f in elements))
    for entity in ENTITY_TYPES:
        for item_id, item_forms in forms[entity]:
            others = [f for f in item_forms if f.lower() != item_id]
            if others:
                out.append(f"- synonym: {item_id}\n  examples: |\n" + "".join(f"    - {f}\n" for f in others))
    return "".join(out)


def _fill(templates: Sequence[str], placeholder: str, values: Sequence[str]) -> List[str]:
    """Every template and every value at least once, paired in turn; deterministic."""
    if not templates or not values:
        return []
    return [templates[i % len(templates)].replace(placeholder, values[i % len(values)]) for i in range(max(len(templates), len(values)))]


def _unique(examples: Iterable[str]) -> List[str]:
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
    """follow_up and compare_roles examples: phrasings.yml templates filled with the knowledge base's names."""
    forms = knowledge_forms(kb)
    role_forms = [f for _, fs in forms[ROLE] for f in fs]
    singular = [f for r in kb.roles for f in r.synonyms]
    topic_synonyms = {f.lower() for _, fs in forms[TOPIC] for f in fs}
    topic_words = phrasings["follow_up"]["topic_words"]
    unknown = [w for w in topic_words if w.lower() not in topic_synonyms]
    if unknown:
        raise KnowledgeBaseError([f"{PHRASINGS}: follow_up.topic_words: not topic synonyms in topics.yml: {unknown}"])

    role_templates = phrasings["follow_up"]["role"]
    follow_up = (
        _fill([t for t in role_templates if "a {role}" not in t], "{role}", role_forms)
        + _fill([t for t in role_templates if "a {role}" in t], "{role}", singular)
        + _fill(phrasings["follow_up"]["location"], "{location}", [f for _, fs in forms[LOCATION] for f in fs])
        + _fill(phrasings["follow_up"]["certification"], "{certification}", [f for _, fs in forms[CERTIFICATION] for f in fs])
        + _fill(phrasings["follow_up"]["topic"], "{topic}", topic_words)
        + _fill(phrasings["follow_up"]["other_role"], "{other_role}", [f for _, fs in forms[OTHER_ROLE] for f in fs])
    )
    labels = [r.label for r in kb.roles]
    pairs = [(a, b) for a, b in itertools.permutations(labels, 2)]
    templates = phrasings["compare_roles"]["roles"]
    compare = list(phrasings["compare_roles"]["plain"]) + [
        templates[i % len(templates)].replace("{role}", a).replace("{role2}", b) for i, (a, b) in enumerate(pairs)
    ]
    out = [HEADER, NLU_VERSION, "nlu:\n"]
    out.append(_examples_block("follow_up", [annotate(e) for e in _unique(follow_up)]))
    out.append(_examples_block("compare_roles", [annotate(e) for e in _unique(compare)]))
    return "".join(out)


def domain_faq(kb: KnowledgeBase) -> str:
    """The faq_<id> intents, for the domain (merged with the hand-written domain/pathfinder.yml)."""
    return HEADER + NLU_VERSION + _dump({"intents": [faq_intent(e.id) for e in _sorted(kb.intent_entries)]})


def rules_faq(kb: KnowledgeBase) -> str:
    """Every entry's intent goes to the answer action (which may still ask 'Did you mean ...?')."""
    rules = [
        {"rule": f"answer {entry.id}", "steps": [{"intent": faq_intent(entry.id)}, {"action": "action_answer_faq"}]}
        for entry in _sorted(kb.intent_entries)
    ]
    return HEADER + NLU_VERSION + _dump({"rules": rules})


def test_stories_faq(kb: KnowledgeBase, annotate: Annotator) -> str:
    """Each entry, asked in the page's wording, is understood and answered."""
    stories = [
        {
            "story": f"{entry.id} asked in the page's words",
            "steps": [_said(entry.title, faq_intent(entry.id), annotate), {"action": "action_answer_faq"}],
        }
        for entry in _sorted(kb.intent_entries)
    ]
    return HEADER + NLU_VERSION + _dump({"stories": stories})


# What a test or training story expects after each kind of follow-up: (intent, action).
FOLLOW_UP_STEPS = {
    "compare": ("compare_roles", "action_compare_roles"),
    "tell_me_more": ("tell_me_more", "action_tell_more"),
    "ask_articles": ("ask_articles", "action_list_articles"),
    "ask_why": ("ask_why", "action_cite_sources"),
}


def _said(text: str, intent: str, annotate: Annotator) -> Dict[str, str]:
    return {"user": annotate(text), "intent": intent}


def _clicked(entry: Entry) -> Dict:
    """A button click: the payload's intent, no text to understand. (Stories cannot list a `role`
    entity: Rasa's story format reads the key `role` as an entity's role, so the entity is left out.)"""
    return {"intent": faq_intent(entry.intent_entry_id)}


def test_stories_follow_ups(kb: KnowledgeBase, phrasings: Dict, annotate: Annotator) -> str:
    """Multi-turn conversations: a question, a role switch, then a comparison / more / articles / why /
    topic change; follow-ups with nothing before them; place switches; clarification; start over."""
    answer, follow = {"action": "action_answer_faq"}, {"action": "action_answer_follow_up"}
    kinds = ["compare", "tell_me_more", "ask_articles", "ask_why", "topic_switch"]
    switches = sorted(phrasings["topic_switch"].items())
    stories = []
    for i, variant in enumerate(_sorted(e for e in kb.entries if e.variant_of)):
        base, role = kb.entry(variant.variant_of), kb.role(variant.role)
        switch = phrasings["role_switch"][i % len(phrasings["role_switch"])].format(plural=role.plural, label=role.label)
        kind = kinds[i % len(kinds)]
        if kind == "topic_switch":
            entry_id, text = [pair for pair in switches if pair[0] != base.id][i % (len(switches) - 1)]
            third = [_said(text, faq_intent(entry_id), annotate), answer]
        else:
            intent, action = FOLLOW_UP_STEPS[kind]
            texts = phrasings[kind]
            third = [_said(texts[i % len(texts)], intent, annotate), {"action": action}]
        stories.append(
            {
                "story": f"{base.id}, then the same for {role.id} ({variant.id}), then {kind}",
                "steps": [_said(base.title, faq_intent(base.id), annotate), answer, _said(switch, "follow_up", annotate), follow, *third],
            }
        )
    compare_texts = phrasings["compare"]
    for i, role in enumerate(kb.roles):
        own = _sorted(kb.entries_for_role(role.id))
        choice = next((e for e in own if e.variant_of), own[0])
        stories.append(
            {
                "story": f"a follow-up about {role.id} with nothing before it, a chosen question, then a comparison",
                "steps": [
                    _said(phrasings["first_message_follow_up"][0].format(plural=role.plural, label=role.label), "follow_up", annotate),
                    follow,
                    _clicked(choice),
                    answer,
                    _said(compare_texts[i % len(compare_texts)], "compare_roles", annotate),
                    {"action": "action_compare_roles"},
                ],
            }
        )
    for i, entry_id in enumerate(("pm_salary", "pm_demand", "become_pm")):
        entry = kb.entry(entry_id)
        steps = [_said(entry.title, faq_intent(entry.id), annotate), answer]
        for text in phrasings["location_switch"]:
            steps += [_said(text, "follow_up", annotate), follow]
        stories.append({"story": f"{entry_id}, then where it applies", "steps": steps})
    for i, (ambiguous, candidate) in enumerate(sorted(phrasings["clarify"].items())):
        entry, other = kb.entry(candidate), kb.roles[(i + 1) % len(kb.roles)]
        stories.append(
            {
                "story": f"an unclear question, a suggestion clicked ({candidate}), then the same for {other.id}",
                "steps": [
                    _said(ambiguous, "nlu_fallback", annotate),
                    answer,
                    _clicked(entry),
                    answer,
                    _said(phrasings["role_switch"][i % len(phrasings["role_switch"])].format(plural=other.plural, label=other.label), "follow_up", annotate),
                    follow,
                ],
            }
        )
    variant = next(e for e in _sorted(kb.entries) if e.variant_of)
    stories.append(
        {
            "story": "starting over forgets the conversation",
            "steps": [
                _said(kb.entry(variant.variant_of).title, faq_intent(variant.variant_of), annotate),
                answer,
                _said(phrasings["role_switch"][0].format(plural=kb.role(variant.role).plural), "follow_up", annotate),
                follow,
                _said(phrasings["start_over"], "start_over", annotate),
                {"action": "utter_start_over"},
                {"action": "action_restart"},
                _said(phrasings["first_message_follow_up"][0].format(plural=kb.role(variant.role).plural), "follow_up", annotate),
                follow,
            ],
        }
    )
    return HEADER + NLU_VERSION + _dump({"stories": stories})


def training_stories(kb: KnowledgeBase) -> str:
    """One conversation per role: a question, a switch to the role, a comparison, then more on it."""
    stories = []
    for role in kb.roles:
        stories.append(
            {
                # No `entities:` on the follow-up: the story format would read `role` as an entity role.
                "story": f"a question, then the same for {role.id}, compared, then more",
                "steps": [
                    {"intent": faq_intent("become_pm")},
                    {"action": "action_answer_faq"},
                    {"intent": "follow_up"},
                    {"action": "action_answer_follow_up"},
                    {"intent": "compare_roles"},
                    {"action": "action_compare_roles"},
                    {"intent": "tell_me_more"},
                    {"action": "action_tell_more"},
                ],
            }
        )
    return HEADER + NLU_VERSION + _dump({"stories": stories})


def _test_phrasings() -> Dict:
    return yaml.safe_load(TEST_PHRASINGS.read_text(encoding="utf-8"))


def render(kb: KnowledgeBase, kb_dir: Path = ROOT / "data" / "knowledge") -> Dict[Path, str]:
    annotate = Annotator(kb)
    return {
        ROOT / "data" / "nlu" / "faq.yml": nlu_faq(kb, annotate),
        ROOT / "data" / "nlu" / "entities.yml": nlu_entities(kb),
        ROOT / "data" / "nlu" / "follow_ups.yml": nlu_follow_ups(kb, load_phrasings(kb_dir), annotate),
        ROOT / "data" / "rules" / "faq.yml": rules_faq(kb),
        ROOT / "data" / "stories" / "follow_ups.yml": training_stories(kb),
        ROOT / "domain" / "faq.yml": domain_faq(kb),
        ROOT / "tests" / "stories" / "test_faq_stories.yml": test_stories_faq(kb, annotate),
        ROOT / "tests" / "stories" / "test_follow_up_stories.yml": test_stories_follow_ups(kb, _test_phrasings(), annotate),
    }


def stale_files(files: Dict[Path, str]) -> List[Path]:
    return [path for path, text in files.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a generated file is missing or stale")
    parser.add_argument("--knowledge-dir", type=Path, default=ROOT / "data" / "knowledge")
    args = parser.parse_args(argv)
    try:
        kb = load_knowledge_base(args.knowledge_dir)
        files = render(kb, args.knowledge_dir)
    except KnowledgeBaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(files)
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run `make generate`)", file=sys.stderr)
        if not stale:
            print(f"generated files are up to date ({len(files)} files, {len(kb.entries)} entries)")
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
