"""The generator is deterministic, its files are fresh, and Rasa reads what it writes."""

import random

import yaml

import generator.__main__ as generate
from core.knowledge import load_knowledge_base
from core.knowledge.writer import topic_file
from generator.__main__ import GENERATED_DATA, GENERATED_DOMAIN, GENERATED_TESTS


def test_generated_files_are_up_to_date(kb):
    stale = generate.stale_files(generate.render(kb))
    assert stale == [], f"stale generated files: {stale}; run `make generate`"


def _rewrite(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["entries"])
    path.write_text(topic_file(data["topic"], data["entries"]), encoding="utf-8")


def test_output_does_not_depend_on_entry_order(kb_copy, kb):
    for path in sorted((kb_copy / "topics").glob("*.yml")):
        _rewrite(path, random.Random(7).shuffle)
    assert generate.render(load_knowledge_base(kb_copy)) == generate.render(kb)


def test_adding_a_question_makes_the_nlu_file_stale(kb_copy):
    _rewrite(
        kb_copy / "topics" / "salary.yml",
        lambda entries: entries[0]["questions"].append("a brand new way of asking this"),
    )
    stale = generate.stale_files(generate.render(load_knowledge_base(kb_copy)))
    assert stale == [GENERATED_DATA / "nlu" / "faq.yml"]


def test_every_generated_file_says_so(kb):
    for path, text in generate.render(kb).items():
        assert text.startswith("# GENERATED FILE - DO NOT EDIT."), path


def test_check_mode_fails_on_a_broken_knowledge_base(kb_copy, capsys):
    (kb_copy / "topics" / "age.yml").write_text(
        "topic: {id: age, label: age}\nentries:\n- id: x\n", encoding="utf-8"
    )
    assert generate.main(["--check", "--knowledge-dir", str(kb_copy)]) == 2
    err = capsys.readouterr().err
    assert "topics/age.yml: entry 1 (x): missing 'answer'" in err


def test_rasa_reads_the_generated_training_data(kb):
    from rasa.shared.core.domain import Domain
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    files = generate.render(kb)
    nlu = RasaYAMLReader().reads(files[GENERATED_DATA / "nlu" / "faq.yml"])
    by_intent = {}
    for example in nlu.intent_examples:
        by_intent.setdefault(example.get("intent"), []).append(example.get("text"))
    assert set(by_intent) == {f"faq_{e.id}" for e in kb.intent_entries}
    for entry in kb.intent_entries:
        # Its own questions, then its variants' (role names marked as entities, which Rasa strips).
        expected = list(entry.questions) + [
            q for v in sorted(kb.variants_of(entry.id), key=lambda v: v.id) for q in v.questions
        ]
        assert by_intent[f"faq_{entry.id}"] == [" ".join(q.split()) for q in expected]
    annotated = {e.get("text"): e.get("entities") for e in nlu.intent_examples if e.get("entities")}
    assert annotated["How much does a programme manager earn?"][0]["entity"] == "role"
    assert annotated["How much does a programme manager earn?"][0]["value"] == "programme_manager"
    domain = Domain.from_yaml(files[GENERATED_DOMAIN / "faq.yml"])
    assert set(domain.intents) >= set(by_intent)


def test_follow_up_examples_mark_what_the_extractor_will_find(kb):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    nlu = RasaYAMLReader().reads(generate.render(kb)[GENERATED_DATA / "nlu" / "follow_ups.yml"])
    examples = {e.get("text"): e.get("entities") or [] for e in nlu.intent_examples}
    assert {"intent": "follow_up"} and len(examples) > 100
    values = {(x["entity"], x["value"]) for ents in examples.values() for x in ents}
    for role in kb.roles:
        assert ("role", role.id) in values
    assert ("location", "uk") in values and ("certification", "pmp") in values


def test_at_least_30_multi_turn_test_stories(kb):
    stories = yaml.safe_load(generate.render(kb)[GENERATED_TESTS / "test_follow_up_stories.yml"])[
        "stories"
    ]
    multi_turn = [s for s in stories if sum(1 for step in s["steps"] if "intent" in step) >= 3]
    assert len(multi_turn) >= 30
