"""Loads and validates the knowledge base (data/knowledge/). No Rasa imports.

The knowledge base is the one place a content editor touches:
  faq.yml              one entry per distinct question: id, topic, role, questions, answer, sources, articles
  articles.yml         the provider's related articles: id, title, summary, url, tags
  roles.yml            the roles the assistant knows: id, label, synonyms
  topics.yml           the topics entries are grouped by: id, label
  page_questions.txt   the source page's questions, each of which must be answered by exactly one entry

Every problem is reported with its file, entry and reason, all at once, so an editor can fix a
file in one pass.
"""
import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

# Each entry is one NLU intent, named faq_<id> (generated into data/nlu/faq.yml and domain/faq.yml).
FAQ_INTENT_PREFIX = "faq_"
SLUG = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
MIN_ANSWER_WORDS, MAX_ANSWER_WORDS = 60, 200
MIN_PARAPHRASES = 12
MAX_ARTICLES = 3

FAQ_KEYS = ("id", "topic", "role", "questions", "answer", "sources", "articles")
ARTICLE_KEYS = ("id", "title", "summary", "url", "tags")
ROLE_KEYS = ("id", "label", "synonyms")
TOPIC_KEYS = ("id", "label")


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
    # The source page's wording of this question (the first page question the entry answers).
    title: str


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
    label: str
    synonyms: Tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    id: str
    label: str


class KnowledgeBaseError(ValueError):
    """The knowledge base is malformed or inconsistent. `problems` lists every one found."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in the knowledge base:\n" + "\n".join(f"  - {p}" for p in self.problems)
        )


def normalise(text: str) -> str:
    """The form in which two questions count as the same: case, spacing and end punctuation ignored."""
    return re.sub(r"\s+", " ", text).strip().rstrip("?!. ").lower()


def faq_intent(entry_id: str) -> str:
    return FAQ_INTENT_PREFIX + entry_id


def faq_id_of(intent: Optional[str]) -> Optional[str]:
    """The entry id of a faq_<id> intent, or None for any other intent."""
    if intent and intent.startswith(FAQ_INTENT_PREFIX):
        return intent[len(FAQ_INTENT_PREFIX):]
    return None


def word_count(text: str) -> int:
    return len(text.split())


@dataclass(frozen=True)
class KnowledgeBase:
    entries: Tuple[Entry, ...]
    articles: Tuple[Article, ...]
    roles: Tuple[Role, ...]
    topics: Tuple[Topic, ...]
    page_questions: Tuple[str, ...]

    def __post_init__(self) -> None:
        # Look-ups by id, built once (the action server answers from these on every message).
        for name, items in (("_entries", self.entries), ("_articles", self.articles), ("_roles", self.roles), ("_topics", self.topics)):
            object.__setattr__(self, name, {item.id: item for item in items})

    def entry(self, entry_id: str) -> Optional[Entry]:
        return self._entries.get(entry_id)

    def article(self, article_id: str) -> Optional[Article]:
        return self._articles.get(article_id)

    def role(self, role_id: str) -> Optional[Role]:
        return self._roles.get(role_id)

    def topic(self, topic_id: str) -> Optional[Topic]:
        return self._topics.get(topic_id)


class _Problems:
    """Collects problems as 'file: entry: reason' lines."""

    def __init__(self) -> None:
        self.lines: List[str] = []

    def add(self, file: Path, entry: str, reason: str) -> None:
        self.lines.append(f"{file.name}: {entry}: {reason}")


def _read_yaml_list(path: Path, problems: _Problems) -> List[Any]:
    if not path.is_file():
        problems.add(path, "(file)", f"missing: expected {path}")
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.add(path, "(file)", f"not valid YAML: {error}")
        return []
    except UnicodeDecodeError as error:
        problems.add(path, "(file)", f"not UTF-8 text: {error}")
        return []
    if not isinstance(data, list):
        problems.add(path, "(file)", f"must be a list of entries, found {type(data).__name__}")
        return []
    return data


def _check_keys(item: Any, keys: Sequence[str], path: Path, where: str, problems: _Problems) -> bool:
    if not isinstance(item, dict):
        problems.add(path, where, f"must be a mapping with keys {', '.join(keys)}")
        return False
    ok = True
    for key in keys:
        if key not in item or item[key] in (None, "", []):
            problems.add(path, where, f"missing {key!r}")
            ok = False
    for key in item:
        if key not in keys:
            problems.add(path, where, f"unknown key {key!r} (allowed: {', '.join(keys)})")
            ok = False
    return ok


def _where(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"entry {index + 1} ({item['id']})"
    return f"entry {index + 1}"


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _load_ids(path: Path, keys: Sequence[str], problems: _Problems) -> List[Tuple[str, Dict[str, Any]]]:
    """Common checks for files of entries with a slug `id`: keys present, ids valid and unique.

    Returns (where, item) pairs; `where` ("entry 3 (pm_degree)") names the entry in messages."""
    good, seen = [], set()
    for index, item in enumerate(_read_yaml_list(path, problems)):
        where = _where(item, index)
        if not _check_keys(item, keys, path, where, problems):
            continue
        if not isinstance(item["id"], str) or not SLUG.match(item["id"]):
            problems.add(path, where, f"id must be a snake_case slug, got {item['id']!r}")
            continue
        if item["id"] in seen:
            problems.add(path, where, f"duplicate id {item['id']!r}")
            continue
        seen.add(item["id"])
        good.append((where, item))
    return good


def _load_roles(path: Path, problems: _Problems) -> List[Role]:
    roles = []
    for where, item in _load_ids(path, ROLE_KEYS, problems):
        if not _string_list(item["synonyms"]):
            problems.add(path, where, "synonyms must be a list of non-empty strings")
            continue
        roles.append(Role(item["id"], str(item["label"]), tuple(item["synonyms"])))
    return roles


def _load_topics(path: Path, problems: _Problems) -> List[Topic]:
    return [Topic(item["id"], str(item["label"])) for _, item in _load_ids(path, TOPIC_KEYS, problems)]


def _load_articles(path: Path, problems: _Problems) -> List[Article]:
    articles = []
    for where, item in _load_ids(path, ARTICLE_KEYS, problems):
        if not isinstance(item["url"], str) or not item["url"].startswith("/"):
            problems.add(path, where, f"url must be a path starting with '/', got {item['url']!r}")
            continue
        if not _string_list(item["tags"]):
            problems.add(path, where, "tags must be a list of non-empty strings")
            continue
        articles.append(Article(item["id"], str(item["title"]), str(item["summary"]).strip(), item["url"], tuple(item["tags"])))
    return articles


def _load_sources(value: Any, path: Path, where: str, problems: _Problems) -> Optional[Tuple[Source, ...]]:
    if not isinstance(value, list):
        problems.add(path, where, "sources must be a list of {name, year}")
        return None
    this_year = datetime.date.today().year
    sources = []
    for source in value:
        if not (isinstance(source, dict) and set(source) == {"name", "year"}):
            problems.add(path, where, f"each source needs exactly 'name' and 'year', got {source!r}")
            return None
        name, year = source["name"], source["year"]
        if not isinstance(name, str) or not name.strip():
            problems.add(path, where, f"source name must be text, got {name!r}")
            return None
        if not isinstance(year, int) or not 1900 <= year <= this_year:
            problems.add(path, where, f"source {name!r}: year must be a year up to {this_year}, got {year!r}")
            return None
        sources.append(Source(name.strip(), year))
    return tuple(sources)


def _load_entries(
    path: Path,
    problems: _Problems,
    roles: Iterable[str],
    topics: Iterable[str],
    articles: Iterable[str],
    page_questions: Sequence[str],
) -> List[Entry]:
    roles, topics, articles = set(roles), set(topics), set(articles)
    page = {normalise(q): q for q in page_questions}
    owner_of: Dict[str, str] = {}  # normalised question -> id of the entry that has it
    entries = []
    for where, item in _load_ids(path, FAQ_KEYS, problems):
        ok = True
        if item["topic"] not in topics:
            problems.add(path, where, f"unknown topic {item['topic']!r} (see topics.yml)")
            ok = False
        if item["role"] not in roles:
            problems.add(path, where, f"unknown role {item['role']!r} (see roles.yml)")
            ok = False

        questions = item["questions"]
        if not _string_list(questions):
            problems.add(path, where, "questions must be a list of non-empty strings")
            questions, ok = [], False
        own_page = [q for q in questions if q in page_questions]
        if questions and not own_page:
            problems.add(path, where, "questions must include at least one page question, verbatim (page_questions.txt)")
            ok = False
        for q in questions:
            key = normalise(q)
            if key in page and q not in page_questions:
                problems.add(path, where, f"question {q!r} differs from the page's wording {page[key]!r}: copy it verbatim")
                ok = False
            if key in owner_of:
                problems.add(path, where, f"duplicate question {q!r} (also in {owner_of[key]})")
                ok = False
            owner_of.setdefault(key, where)
        paraphrases = len(questions) - len(own_page)
        if questions and paraphrases < MIN_PARAPHRASES:
            problems.add(path, where, f"needs at least {MIN_PARAPHRASES} paraphrases besides page questions, has {paraphrases}")
            ok = False

        answer = item["answer"]
        if not isinstance(answer, str):
            problems.add(path, where, "answer must be text")
            ok = False
        elif not MIN_ANSWER_WORDS <= word_count(answer) <= MAX_ANSWER_WORDS:
            problems.add(path, where, f"answer has {word_count(answer)} words; keep it {MIN_ANSWER_WORDS}-{MAX_ANSWER_WORDS}")
            ok = False

        sources = _load_sources(item["sources"], path, where, problems)
        ok = ok and sources is not None

        linked = item["articles"]
        if not (isinstance(linked, list) and 1 <= len(linked) <= MAX_ARTICLES and all(isinstance(a, str) for a in linked)):
            problems.add(path, where, f"articles must list 1-{MAX_ARTICLES} article ids")
            ok = False
        else:
            for article_id in linked:
                if article_id not in articles:
                    problems.add(path, where, f"unknown article id {article_id!r} (see articles.yml)")
                    ok = False
            if len(set(linked)) != len(linked):
                problems.add(path, where, "an article is listed twice")
                ok = False
        if ok:
            entries.append(
                Entry(
                    id=item["id"],
                    topic=item["topic"],
                    role=item["role"],
                    questions=tuple(q.strip() for q in questions),
                    answer=" ".join(answer.split()),
                    sources=sources,
                    articles=tuple(linked),
                    title=own_page[0],
                )
            )
    return entries


def _load_page_questions(path: Path, problems: _Problems) -> List[str]:
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


def load_knowledge_base(directory: Path) -> KnowledgeBase:
    """Loads every file of the knowledge base; raises KnowledgeBaseError listing every problem."""
    directory = Path(directory)
    problems = _Problems()
    page_questions = _load_page_questions(directory / "page_questions.txt", problems)
    roles = _load_roles(directory / "roles.yml", problems)
    topics = _load_topics(directory / "topics.yml", problems)
    articles = _load_articles(directory / "articles.yml", problems)
    faq_path = directory / "faq.yml"
    entries = _load_entries(
        faq_path,
        problems,
        [r.id for r in roles],
        [t.id for t in topics],
        [a.id for a in articles],
        page_questions,
    )
    # Every page question is answered by exactly one entry (duplicates are caught above).
    answered = {q for e in entries for q in e.questions}
    for question in page_questions:
        if question not in answered:
            problems.add(faq_path, "(all entries)", f"page question not answered by any entry: {question!r}")
    if problems.lines:
        raise KnowledgeBaseError(problems.lines)
    return KnowledgeBase(tuple(entries), tuple(articles), tuple(roles), tuple(topics), tuple(page_questions))


def article_url(article: Article, base_url: str) -> str:
    return base_url.rstrip("/") + article.url
