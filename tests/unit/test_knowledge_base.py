"""The knowledge base is complete and consistent, and a broken one fails with file, entry and reason."""
import re
from pathlib import Path

import pytest
import yaml

from actions.knowledge import (
    MAX_ANSWER_WORDS,
    MIN_ANSWER_WORDS,
    MIN_PARAPHRASES,
    KnowledgeBaseError,
    load_knowledge_base,
    word_count,
)

ROOT = Path(__file__).resolve().parents[2]
SEED_PAGE = ROOT.parent / "shared" / "seeds" / "000_dc20fcb78ec89c1f.txt"


def test_every_page_question_is_answered_by_exactly_one_entry(kb):
    assert len(kb.page_questions) == 64
    for question in kb.page_questions:
        owners = [e.id for e in kb.entries if question in e.questions]
        assert len(owners) == 1, f"{question!r} is in {owners}"


@pytest.mark.skipif(not SEED_PAGE.is_file(), reason="source page not beside the repo")
def test_page_questions_file_matches_the_source_page(kb):
    text = SEED_PAGE.read_text(encoding="utf-8")
    block = text.split("Last edited on:", 1)[1].split("Project Management related articles", 1)[0]
    page = [line.strip() for line in block.splitlines()[1:] if line.strip()]
    assert sorted(page) == sorted(kb.page_questions)
    titles = {a.title for a in kb.articles}
    for title in titles:
        assert title in text, f"article title not on the page: {title!r}"
    assert len(kb.articles) == 12


def test_entries_meet_the_content_rules(kb):
    for entry in kb.entries:
        assert MIN_ANSWER_WORDS <= word_count(entry.answer) <= MAX_ANSWER_WORDS, entry.id
        if entry.variant_of is None:
            assert len(entry.questions) - len([q for q in entry.questions if q in kb.page_questions]) >= MIN_PARAPHRASES
        assert entry.sources, entry.id
        assert 1 <= len(entry.articles) <= 3
        assert kb.role(entry.role) and kb.topic(entry.topic)


def test_figures_in_answers_have_a_dated_source(kb):
    """An answer quoting money or a percentage names a year in its text and has a source of that era."""
    for entry in kb.entries:
        if re.search(r"£\s?\d|\d\s?%|\$\s?\d", entry.answer):
            assert re.search(r"\b20\d\d\b", entry.answer), f"{entry.id}: a figure without its year in the text"


def _edit(kb_copy, filename, change):
    path = kb_copy / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _set(index, key, value):
    def change(entries):
        entries[index][key] = value

    return change


def _drop_page_question(entries):
    entries[0]["questions"].pop(0)


def _duplicate_question(entries):
    entries[1]["questions"].append(entries[0]["questions"][-1].upper() + "?")


def _del(key):
    def change(entries):
        del entries[0][key]

    return change


def _variant(change):
    def apply(entries):
        change(entries)

    return apply


def _synonym_clash(roles):
    roles[1]["synonyms"].append(roles[0]["synonyms"][0])


BROKEN = [
    ("variant of nothing", "variants.yml", _set(0, "variant_of", "no_such_entry"), "variant_of 'no_such_entry' is not an entry of faq.yml"),
    ("variant with the base role", "variants.yml", _set(0, "role", "project_manager"), "has the same role as"),
    ("two answers for one topic and role", "variants.yml", _set(1, "variant_of", "become_pm"), "already answers topic"),
    ("variant with too few questions", "variants.yml", _set(0, "questions", ["Only one?"]), "needs at least 3 questions"),
    ("a synonym naming two roles", "roles.yml", _synonym_clash, "also names role"),
    ("certification pointing nowhere", "certifications.yml", _set(0, "faq", "nowhere"), "faq 'nowhere' is not an entry id"),
    ("location coverage not a boolean", "locations.yml", _set(0, "covered", "yes"), "covered must be true or false"),
    ("unknown article", "faq.yml", _set(0, "articles", ["no_such_article"]), "unknown article id 'no_such_article'"),
    ("duplicate question", "faq.yml", _duplicate_question, "duplicate question"),
    ("missing answer", "faq.yml", _del("answer"), "missing 'answer'"),
    ("page question missing", "faq.yml", _drop_page_question, "page question not answered by any entry"),
    ("short answer", "faq.yml", _set(0, "answer", "Too short."), "answer has 2 words"),
    ("undated source", "faq.yml", _set(0, "sources", [{"name": "APM"}]), "exactly 'name' and 'year'"),
    ("unknown role", "faq.yml", _set(0, "role", "astronaut"), "unknown role 'astronaut'"),
    ("bad id", "faq.yml", _set(0, "id", "Become PM"), "snake_case slug"),
    ("typo in a key", "faq.yml", _set(0, "answr", "x"), "unknown key 'answr'"),
    ("too many articles", "faq.yml", _set(0, "articles", ["pm_triangle"] * 4), "1-3 article ids"),
]


@pytest.mark.parametrize("case, filename, change, reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_knowledge_base_names_file_entry_and_reason(kb_copy, case, filename, change, reason):
    first_id = yaml.safe_load((kb_copy / filename).read_text(encoding="utf-8"))[0]["id"]
    _edit(kb_copy, filename, change)
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(kb_copy)
    message = str(raised.value)
    assert filename in message and reason in message
    if case not in ("page question missing", "bad id", "duplicate question", "two answers for one topic and role", "a synonym naming two roles"):
        assert first_id in message


def test_invalid_yaml_names_the_file(kb_copy):
    (kb_copy / "articles.yml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"articles.yml: \(file\): not valid YAML"):
        load_knowledge_base(kb_copy)


def test_a_missing_file_is_reported(kb_copy):
    (kb_copy / "topics.yml").unlink()
    with pytest.raises(KnowledgeBaseError, match=r"topics.yml: \(file\): missing"):
        load_knowledge_base(kb_copy)


def test_a_reworded_page_question_is_caught(kb_copy):
    def reword(entries):
        entries[0]["questions"][0] = entries[0]["questions"][0].lower()

    _edit(kb_copy, "faq.yml", reword)
    with pytest.raises(KnowledgeBaseError, match="copy it verbatim"):
        load_knowledge_base(kb_copy)
