"""Loads and checks the knowledge base (data/knowledge/). No Rasa imports.

The knowledge base is the one place a content editor touches (docs/content.md describes each file):
  topics/<topic>.yml   a topic (id, label, optional synonyms and near) and its entries, the answer
                       for each role (id, role, questions, answer, sources, articles, summary); an
                       entry answering the same question for another role is a variant (variant_of):
                       its questions train its base entry's intent, and the role named picks it
  articles.yml         the provider's related articles: id, title, summary, url, tags
  roles.yml            the roles the assistant covers: id, label, plural, synonyms
  other_roles.yml      jobs we do not cover but people ask about (product manager)
  locations.yml        places people ask about: id, label, synonyms, covered
  certifications.yml   certifications people ask about: id, label, synonyms, summary, sources, faq
  page_questions.txt   the source page's questions, each answered by exactly one entry
"""

from pathlib import Path
from typing import Iterable, List

from core.knowledge import files, ids
from core.knowledge.entries import EntryChecker, check_topic_entries
from core.knowledge.files import KnowledgeBaseError, Problems, Synonyms
from core.knowledge.model import Article, Certification, KnowledgeBase, Location, Role, Topic
from core.knowledge.rules import (
    ARTICLE_KEYS,
    CERTIFICATION_KEYS,
    ENTRY_KEYS,
    ENTRY_OPTIONAL_KEYS,
    LOCATION_KEYS,
    MAX_ANSWER_WORDS,
    MIN_ANSWER_WORDS,
    ROLE_KEYS,
    TOPIC_FILE_KEYS,
    TOPIC_KEYS,
    TOPIC_OPTIONAL_KEYS,
    word_count,
)

TOPICS_DIR = "topics"


def _roles(path: Path, problems: Problems, synonyms: Synonyms, kind: str = "role") -> List[Role]:
    roles = []
    for at, item in files.checked_items(path, files.read_yaml(path, problems), ROLE_KEYS, problems):
        if synonyms.check(path, at, kind, item["id"], item["synonyms"]):
            roles.append(
                Role(
                    item["id"],
                    str(item["label"]),
                    str(item["plural"]),
                    files.stripped(item["synonyms"]),
                )
            )
    return roles


def _locations(path: Path, problems: Problems, synonyms: Synonyms) -> List[Location]:
    locations = []
    for at, item in files.checked_items(
        path, files.read_yaml(path, problems), LOCATION_KEYS, problems
    ):
        if not isinstance(item.get("covered"), bool):
            problems.add(path, at, "covered must be true or false")
            continue
        if synonyms.check(path, at, "location", item["id"], item["synonyms"]):
            locations.append(
                Location(
                    item["id"],
                    str(item["label"]),
                    files.stripped(item["synonyms"]),
                    item["covered"],
                )
            )
    return locations


def _articles(path: Path, problems: Problems) -> List[Article]:
    articles = []
    for at, item in files.checked_items(
        path, files.read_yaml(path, problems), ARTICLE_KEYS, problems
    ):
        if not isinstance(item["url"], str) or not item["url"].startswith("/"):
            problems.add(path, at, f"url must be a path starting with '/', got {item['url']!r}")
            continue
        if not files.string_list(item["tags"]):
            problems.add(path, at, "tags must be a list of non-empty strings")
            continue
        articles.append(
            Article(
                item["id"],
                str(item["title"]),
                str(item["summary"]).strip(),
                item["url"],
                tuple(item["tags"]),
            )
        )
    return articles


def _certifications(
    path: Path, problems: Problems, synonyms: Synonyms, entry_ids: Iterable[str]
) -> List[Certification]:
    entry_ids = set(entry_ids)
    certifications = []
    for at, item in files.checked_items(
        path, files.read_yaml(path, problems), CERTIFICATION_KEYS, problems
    ):
        ok = synonyms.check(path, at, "certification", item["id"], item["synonyms"])
        if item["faq"] not in entry_ids:
            problems.add(path, at, f"faq {item['faq']!r} is not an entry id (topics/)")
            ok = False
        summary = item["summary"]
        if (
            not isinstance(summary, str)
            or not MIN_ANSWER_WORDS // 2 <= word_count(summary) <= MAX_ANSWER_WORDS
        ):
            problems.add(
                path,
                at,
                f"summary must be text of {MIN_ANSWER_WORDS // 2}-{MAX_ANSWER_WORDS} words",
            )
            ok = False
        sources = files.sources(item["sources"], path, at, problems)
        if ok and sources is not None:
            certifications.append(
                Certification(
                    item["id"],
                    str(item["label"]),
                    files.stripped(item["synonyms"]),
                    " ".join(summary.split()),
                    sources,
                    item["faq"],
                )
            )
    return certifications


def _page_questions(path: Path, problems: Problems) -> List[str]:
    if not path.is_file():
        problems.add(path, "(file)", f"missing: expected {path}")
        return []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen = set()
    for number, line in enumerate(lines, 1):
        if line in seen:
            problems.add(path, f"line {number}", f"duplicate page question {line!r}")
        seen.add(line)
    return lines


def _topic(path: Path, data: dict, problems: Problems, synonyms: Synonyms, topic_ids: set) -> Topic:
    """The topic a topic file defines (None when malformed); its id must be the file's name."""
    item = data.get("topic")
    if not files.check_keys(item, TOPIC_KEYS, path, "topic", problems, TOPIC_OPTIONAL_KEYS):
        return None
    if item["id"] != path.stem:
        problems.add(path, "topic", f"id {item['id']!r} must be the file's name ({path.stem!r})")
        return None
    words, near = item.get("synonyms") or [], item.get("near") or []
    if words and not synonyms.check(path, "topic", "topic", item["id"], words):
        return None
    unknown = (
        [t for t in near if t not in topic_ids or t == item["id"]]
        if isinstance(near, list)
        else [near]
    )
    if unknown:
        problems.add(path, "topic", f"near must list other topic ids, got {unknown!r}")
        return None
    return Topic(item["id"], str(item["label"]), tuple(words), tuple(near))


def _check_ids(kb: KnowledgeBase, directory: Path, problems: Problems) -> None:
    """The ids the code relies on (core/knowledge/ids.py) must exist."""
    for kind, wanted, look_up in (
        ("role", ids.ROLES, kb.role),
        ("location", ids.LOCATIONS, kb.location),
        ("topic", ids.TOPICS, kb.topic),
    ):
        for item_id in wanted:
            if look_up(item_id) is None:
                problems.add(
                    directory / "(knowledge base)",
                    kind,
                    f"{item_id!r} is used by the code (core/knowledge/ids.py) but missing",
                )


def load_knowledge_base(directory: Path) -> KnowledgeBase:
    """Loads every file of the knowledge base; raises KnowledgeBaseError listing every problem."""
    directory = Path(directory)
    problems = Problems()
    synonyms = Synonyms(problems)
    page_questions = _page_questions(directory / "page_questions.txt", problems)
    roles = _roles(directory / "roles.yml", problems, synonyms)
    locations = _locations(directory / "locations.yml", problems, synonyms)
    other_roles = _roles(directory / "other_roles.yml", problems, synonyms, "other role")
    for role in other_roles:
        if role.id in {r.id for r in roles}:
            problems.add(directory / "other_roles.yml", role.id, "is also in roles.yml")
    articles = _articles(directory / "articles.yml", problems)

    topic_paths = sorted((directory / TOPICS_DIR).glob("*.yml"))
    if not topic_paths:
        problems.add(
            directory / TOPICS_DIR,
            "(folder)",
            f"no topic files: expected {directory / TOPICS_DIR}/<topic>.yml",
        )
    topic_files = [(p, files.read_yaml(p, problems, dict)) for p in topic_paths]
    topic_files = [(p, d) for p, d in topic_files if d is not None]
    topic_ids = {p.stem for p, _ in topic_files}
    checker = EntryChecker(
        problems, [r.id for r in roles], [a.id for a in articles], page_questions
    )
    topics, own, variants, seen_ids = [], [], [], set()
    for path, data in topic_files:
        if not files.check_keys(data, TOPIC_FILE_KEYS, path, "(file)", problems):
            continue
        topic = _topic(path, data, problems, synonyms, topic_ids)
        items = data["entries"] if isinstance(data["entries"], list) else []
        if not isinstance(data["entries"], list):
            problems.add(path, "entries", "must be a list of entries")
        items = files.checked_items(
            path, items, ENTRY_KEYS, problems, ENTRY_OPTIONAL_KEYS, seen_ids
        )
        if topic is None:
            continue
        topics.append(topic)
        entries, entry_variants = check_topic_entries(path, topic.id, items, checker, problems)
        own += entries
        variants += entry_variants

    entries = own + variants
    certifications = _certifications(
        directory / "certifications.yml", problems, synonyms, [e.id for e in entries]
    )
    answered = {q for e in entries for q in e.questions}
    for question in page_questions:
        if question not in answered:
            problems.add(
                directory / TOPICS_DIR,
                "(all entries)",
                f"page question not answered by any entry: {question!r}",
            )
    kb = KnowledgeBase(
        tuple(entries),
        tuple(articles),
        tuple(roles),
        tuple(topics),
        tuple(page_questions),
        tuple(locations),
        tuple(certifications),
        tuple(other_roles),
    )
    _check_ids(kb, directory, problems)
    if problems.lines:
        raise KnowledgeBaseError(problems.lines)
    return kb
