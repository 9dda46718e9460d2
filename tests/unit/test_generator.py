"""The generator is deterministic, its files are fresh, and Rasa reads what it writes."""
import importlib.util
import random
from pathlib import Path

import yaml

from actions.knowledge import load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("generate", ROOT / "scripts" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)


def test_generated_files_are_up_to_date(kb):
    stale = generate.stale_files(generate.render(kb))
    assert stale == [], f"stale generated files: {stale}; run `make generate`"


def test_output_does_not_depend_on_entry_order(kb_copy, kb):
    path = kb_copy / "faq.yml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    random.Random(7).shuffle(entries)
    path.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert generate.render(load_knowledge_base(kb_copy)) == generate.render(kb)


def test_adding_a_question_makes_the_nlu_file_stale(kb_copy):
    path = kb_copy / "faq.yml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries[0]["questions"].append("a brand new way of asking this exact thing")
    path.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")
    stale = generate.stale_files(generate.render(load_knowledge_base(kb_copy)))
    assert ROOT / "data" / "nlu" / "faq.yml" in stale


def test_every_generated_file_says_so(kb):
    for path, text in generate.render(kb).items():
        assert text.startswith("# GENERATED FILE - DO NOT EDIT."), path


def test_check_mode_fails_on_a_broken_knowledge_base(kb_copy, capsys):
    (kb_copy / "faq.yml").write_text("- id: x\n", encoding="utf-8")
    assert generate.main(["--check", "--knowledge-dir", str(kb_copy)]) == 2
    err = capsys.readouterr().err
    assert "faq.yml: entry 1 (x): missing 'answer'" in err


def test_rasa_reads_the_generated_training_data(kb):
    from rasa.shared.core.domain import Domain
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    files = generate.render(kb)
    nlu = RasaYAMLReader().reads(files[ROOT / "data" / "nlu" / "faq.yml"])
    by_intent = {}
    for example in nlu.intent_examples:
        by_intent.setdefault(example.get("intent"), []).append(example.get("text"))
    assert set(by_intent) == {f"faq_{e.id}" for e in kb.intent_entries}
    for entry in kb.intent_entries:
        # Its own questions, then its variants' (role names marked as entities, which Rasa strips).
        expected = list(entry.questions) + [q for v in sorted(kb.variants_of(entry.id), key=lambda v: v.id) for q in v.questions]
        assert by_intent[f"faq_{entry.id}"] == [" ".join(q.split()) for q in expected]
    annotated = {e.get("text"): e.get("entities") for e in nlu.intent_examples if e.get("entities")}
    assert annotated["How much does a programme manager earn?"][0]["entity"] == "role"
    assert annotated["How much does a programme manager earn?"][0]["value"] == "programme_manager"
    domain = Domain.from_yaml(files[ROOT / "domain" / "faq.yml"])
    assert set(domain.intents) >= set(by_intent)


def test_follow_up_examples_mark_what_the_extractor_will_find(kb):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    nlu = RasaYAMLReader().reads(generate.render(kb)[ROOT / "data" / "nlu" / "follow_ups.yml"])
    examples = {e.get("text"): e.get("entities") or [] for e in nlu.intent_examples}
    assert {"intent": "follow_up"} and len(examples) > 100
    values = {(x["entity"], x["value"]) for ents in examples.values() for x in ents}
    for role in kb.roles:
        assert ("role", role.id) in values
    assert ("location", "uk") in values and ("certification", "pmp") in values


def test_at_least_30_multi_turn_test_stories(kb):
    stories = yaml.safe_load(generate.render(kb)[ROOT / "tests" / "stories" / "test_follow_up_stories.yml"])["stories"]
    multi_turn = [s for s in stories if sum(1 for step in s["steps"] if "intent" in step) >= 3]
    assert len(multi_turn) >= 30
