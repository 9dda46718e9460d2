"""The knowledge base is complete and consistent, and a broken one fails with file, entry and
reason."""

import re

import pytest
import yaml

from core.knowledge import KnowledgeBaseError, load_knowledge_base
from core.knowledge.rules import MAX_ANSWER_WORDS, MIN_ANSWER_WORDS, MIN_PARAPHRASES, word_count
from core.knowledge.writer import topic_file
from core.settings import PROJECT_ROOT as ROOT

SOURCE_PAGE = ROOT / "docs" / "source_page.txt"  # a copy of the page the project comes from


def test_every_page_question_is_answered_by_exactly_one_entry(kb):
    assert len(kb.page_questions) == 64
    for question in kb.page_questions:
        owners = [e.id for e in kb.entries if question in e.questions]
        assert len(owners) == 1, f"{question!r} is in {owners}"


def test_page_questions_file_matches_the_source_page(kb):
    text = SOURCE_PAGE.read_text(encoding="utf-8")
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
            assert (
                len(entry.questions) - len([q for q in entry.questions if q in kb.page_questions])
                >= MIN_PARAPHRASES
            )
        assert entry.sources, entry.id
        assert 1 <= len(entry.articles) <= 3
        assert kb.role(entry.role) and kb.topic(entry.topic)


def test_figures_in_answers_have_a_dated_source(kb):
    """An answer quoting money or a percentage names a year in its text and has a source of that
    era."""
    for entry in kb.entries:
        if re.search(r"£\s?\d|\d\s?%|\$\s?\d", entry.answer):
            assert re.search(
                r"\b20\d\d\b", entry.answer
            ), f"{entry.id}: a figure without its year in the text"


def _edit_topic(kb_copy, topic, change):
    path = kb_copy / "topics" / f"{topic}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(topic_file(data["topic"], data["entries"]), encoding="utf-8")


def _edit_list(kb_copy, filename, change):
    path = kb_copy / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _entry(entry_id, key, value):
    def change(data):
        entry = next(e for e in data["entries"] if e["id"] == entry_id)
        if value is _DELETE:
            del entry[key]
        else:
            entry[key] = value

    return change


_DELETE = object()


def _first(key, value):
    def change(items):
        items[0][key] = value

    return change


def _drop_page_question(data):
    data["entries"][0]["questions"] = [
        q
        for q in data["entries"][0]["questions"]
        if q != "How much money do project managers earn?"
    ]


def _duplicate_question(data):
    data["entries"][1]["questions"].append(data["entries"][0]["questions"][-1].upper() + "?")


def _synonym_clash(roles):
    roles[1]["synonyms"].append(roles[0]["synonyms"][0])


# (case, file as reported, topic or list file, change, reason)
TOPIC_BROKEN = [
    (
        "variant of nothing",
        "salary",
        _entry("pmo_salary", "variant_of", "no_such_entry"),
        "variant_of 'no_such_entry' is not an entry of this topic",
    ),
    (
        "variant with the base role",
        "salary",
        _entry("pmo_salary", "role", "project_manager"),
        "has the same role as",
    ),
    (
        "two answers for one topic and role",
        "salary",
        _entry("pmo_salary", "role", "scrum_master"),
        "already answers topic",
    ),
    (
        "variant with too few questions",
        "salary",
        _entry("pmo_salary", "questions", ["Only one?"]),
        "needs at least 3 questions",
    ),
    (
        "unknown article",
        "salary",
        _entry("pm_salary", "articles", ["no_such_article"]),
        "unknown article id 'no_such_article'",
    ),
    ("duplicate question", "salary", _duplicate_question, "duplicate question"),
    ("missing answer", "salary", _entry("pm_salary", "answer", _DELETE), "missing 'answer'"),
    (
        "page question missing",
        "salary",
        _drop_page_question,
        "page question not answered by any entry",
    ),
    ("short answer", "salary", _entry("pm_salary", "answer", "Too short."), "answer has 2 words"),
    (
        "undated source",
        "salary",
        _entry("pm_salary", "sources", [{"name": "APM"}]),
        "exactly 'name' and 'year'",
    ),
    (
        "unknown role",
        "salary",
        _entry("pm_salary", "role", "astronaut"),
        "unknown role 'astronaut'",
    ),
    ("bad id", "salary", _entry("pm_salary", "id", "PM Salary"), "snake_case slug"),
    ("typo in a key", "salary", _entry("pm_salary", "answr", "x"), "unknown key 'answr'"),
    (
        "too many articles",
        "salary",
        _entry("pm_salary", "articles", ["pm_triangle"] * 4),
        "1-3 article ids",
    ),
    (
        "topic id not the file name",
        "salary",
        lambda d: d["topic"].update(id="pay"),
        "must be the file's name",
    ),
    (
        "near an unknown topic",
        "salary",
        lambda d: d["topic"].update(near=["astrology"]),
        "near must list other topic ids",
    ),
]
LIST_BROKEN = [
    ("a synonym naming two roles", "roles.yml", _synonym_clash, "also names role"),
    (
        "certification pointing nowhere",
        "certifications.yml",
        _first("faq", "nowhere"),
        "faq 'nowhere' is not an entry id",
    ),
    (
        "location coverage not a boolean",
        "locations.yml",
        _first("covered", "yes"),
        "covered must be true or false",
    ),
]


@pytest.mark.parametrize(
    "case, topic, change, reason", TOPIC_BROKEN, ids=[b[0] for b in TOPIC_BROKEN]
)
def test_a_broken_topic_file_names_file_entry_and_reason(kb_copy, case, topic, change, reason):
    _edit_topic(kb_copy, topic, change)
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(kb_copy)
    message = str(raised.value)
    assert reason in message, message
    if case != "page question missing":
        line = next(p for p in raised.value.problems if reason in p)
        assert line.startswith(f"topics/{topic}.yml: "), line


@pytest.mark.parametrize(
    "case, filename, change, reason", LIST_BROKEN, ids=[b[0] for b in LIST_BROKEN]
)
def test_a_broken_list_file_names_file_entry_and_reason(kb_copy, case, filename, change, reason):
    _edit_list(kb_copy, filename, change)
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(kb_copy)
    line = next(p for p in raised.value.problems if reason in p)
    assert line.startswith(f"{filename}: entry "), line


def test_every_problem_is_reported_at_once(kb_copy):
    _edit_topic(kb_copy, "salary", _entry("pm_salary", "answer", "Too short."))
    _edit_topic(kb_copy, "stress", _entry("pm_stress", "role", "astronaut"))
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(kb_copy)
    assert any("topics/salary.yml" in p for p in raised.value.problems)
    assert any("topics/stress.yml" in p for p in raised.value.problems)


def test_invalid_yaml_names_the_file(kb_copy):
    (kb_copy / "articles.yml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"articles.yml: \(file\): not valid YAML"):
        load_knowledge_base(kb_copy)


def test_a_missing_file_is_reported(kb_copy):
    (kb_copy / "roles.yml").unlink()
    with pytest.raises(KnowledgeBaseError, match=r"roles.yml: \(file\): missing"):
        load_knowledge_base(kb_copy)


def test_a_reworded_page_question_is_caught(kb_copy):
    def reword(data):
        questions = data["entries"][0]["questions"]
        questions[questions.index("Are project managers well paid?")] = (
            "are project managers well paid?"
        )

    _edit_topic(kb_copy, "salary", reword)
    with pytest.raises(KnowledgeBaseError, match="copy it verbatim"):
        load_knowledge_base(kb_copy)


def test_an_id_the_code_relies_on_must_exist(kb_copy):
    (kb_copy / "topics" / "career_choice.yml").unlink()
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(kb_copy)
    assert any("career_choice" in p for p in raised.value.problems)


def test_writing_a_topic_file_back_changes_nothing(kb_copy):
    for path in sorted((kb_copy / "topics").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert topic_file(data["topic"], data["entries"]) == path.read_text(
            encoding="utf-8"
        ), path.name
