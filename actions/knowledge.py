"""Loads and validates the knowledge base (data/knowledge/). No Rasa imports.

The knowledge base is the one place a content editor touches:
  faq.yml              one entry per distinct question: id, topic, role, questions, answer, sources, articles
                       (and `summary`, a one-line key fact used when two roles are compared)
  variants.yml         the same topic answered for another role: id, variant_of, role, questions, answer, ...
                       A variant has no intent of its own: its questions train its base entry's intent and
                       the role named in the message (or the conversation) picks the variant.
  articles.yml         the provider's related articles: id, title, summary, url, tags
  roles.yml            the roles the assistant knows: id, label, plural, synonyms
  topics.yml           the topics entries are grouped by: id, label (and optional synonyms, near)
  other_roles.yml      jobs we do not cover but people ask about (product manager): id, label, plural, synonyms
  locations.yml        places people ask about: id, label, synonyms, covered (whether our answers apply there)
  certifications.yml   certifications people ask about: id, label, synonyms, summary, sources, faq
  page_questions.txt   the source page's questions, each of which must be answered by exactly one entry

One answer per (topic, role): that is what lets a follow-up ("what about programme managers?") keep the
topic and change the role.

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

MIN_VARIANT_QUESTIONS = 3
MAX_SUMMARY_WORDS = 40

FAQ_KEYS = ("id", "topic", "role", "questions", "answer", "sources", "articles")
VARIANT_KEYS = ("id", "variant_of", "role", "questions", "answer", "sources", "articles")
ENTRY_OPTIONAL_KEYS = ("summary",)
ARTICLE_KEYS = ("id", "title", "summary", "url", "tags")
ROLE_KEYS = ("id", "label", "plural", "synonyms")
TOPIC_KEYS = ("id", "label")
TOPIC_OPTIONAL_KEYS = ("synonyms", "near")
LOCATION_KEYS = ("id", "label", "synonyms", "covered")
CERTIFICATION_KEYS = ("id", "label", "synonyms", "summary", "sources", "faq")


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
    # The source page's wording of this question (the first page question the entry answers), or a
    # variant's first question: what buttons show.
    title: str
    # For a variant: the entry whose intent it is reached through. None for an entry with its own intent.
    variant_of: Optional[str] = None
    # One sentence with the key fact, shown when two roles are compared on this topic.
    summary: Optional[str] = None

    @property
    def intent_entry_id(self) -> str:
        """The entry whose faq_<id> intent this entry's questions train."""
        return self.variant_of or self.id


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
    label: str  # "programme manager"
    plural: str  # "programme managers": "I don't have that for programme managers yet"
    synonyms: Tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    # Words that name the topic in a comparison ("which one pays more?" -> salary).
    synonyms: Tuple[str, ...] = ()
    # Topics whose answer may stand in for this one for a role that has no answer here
    # (for most roles "what qualifications?" is answered by "which certifications?").
    near: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Location:
    id: str
    label: str
    synonyms: Tuple[str, ...]
    covered: bool  # our answers are written for this place


@dataclass(frozen=True)
class Certification:
    id: str
    label: str
    synonyms: Tuple[str, ...]
    summary: str
    sources: Tuple[Source, ...]
    faq: str  # the entry that covers it in more depth


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
    entries: Tuple[Entry, ...]  # entries with an intent of their own, then variants
    articles: Tuple[Article, ...]
    roles: Tuple[Role, ...]
    topics: Tuple[Topic, ...]
    page_questions: Tuple[str, ...]
    locations: Tuple[Location, ...] = ()
    certifications: Tuple[Certification, ...] = ()
    other_roles: Tuple[Role, ...] = ()  # jobs we do not cover

    def __post_init__(self) -> None:
        # Look-ups, built once (the action server answers from these on every message).
        for name, items in (
            ("_entries", self.entries),
            ("_articles", self.articles),
            ("_roles", self.roles),
            ("_topics", self.topics),
            ("_locations", self.locations),
            ("_certifications", self.certifications),
            ("_other_roles", self.other_roles),
        ):
            object.__setattr__(self, name, {item.id: item for item in items})
        object.__setattr__(self, "_by_topic_and_role", {(e.topic, e.role): e for e in self.entries})

    @property
    def intent_entries(self) -> Tuple[Entry, ...]:
        """The entries with an intent of their own (not variants)."""
        return tuple(e for e in self.entries if e.variant_of is None)

    def answer_for(self, topic: str, role: str) -> Optional[Entry]:
        """The entry answering `topic` for `role`, if the knowledge base has one."""
        return self._by_topic_and_role.get((topic, role))

    def entries_for_role(self, role: str) -> Tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.role == role)

    def variants_of(self, entry_id: str) -> Tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.variant_of == entry_id)

    def location(self, location_id: str) -> Optional[Location]:
        return self._locations.get(location_id)

    def certification(self, certification_id: str) -> Optional[Certification]:
        return self._certifications.get(certification_id)

    def other_role(self, role_id: str) -> Optional[Role]:
        return self._other_roles.get(role_id)

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


def _check_keys(item: Any, keys: Sequence[str], path: Path, where: str, problems: _Problems, optional: Sequence[str] = ()) -> bool:
    if not isinstance(item, dict):
        problems.add(path, where, f"must be a mapping with keys {', '.join(keys)}")
        return False
    ok = True
    for key in keys:
        if key not in item or item[key] in (None, "", []):
            problems.add(path, where, f"missing {key!r}")
            ok = False
    for key in item:
        if key not in keys and key not in optional:
            problems.add(path, where, f"unknown key {key!r} (allowed: {', '.join(tuple(keys) + tuple(optional))})")
            ok = False
    return ok


def _where(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"entry {index + 1} ({item['id']})"
    return f"entry {index + 1}"


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _load_ids(path: Path, keys: Sequence[str], problems: _Problems, optional: Sequence[str] = (), seen: Optional[set] = None) -> List[Tuple[str, Dict[str, Any]]]:
    """Common checks for files of entries with a slug `id`: keys present, ids valid and unique.

    Returns (where, item) pairs; `where` ("entry 3 (pm_degree)") names the entry in messages.
    `seen` carries ids across files that share one id space (faq.yml and variants.yml)."""
    good = []
    seen = set() if seen is None else seen
    for index, item in enumerate(_read_yaml_list(path, problems)):
        where = _where(item, index)
        if not _check_keys(item, keys, path, where, problems, optional):
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


class _Synonyms:
    """Checks that no surface form names two things (a role and a location, or two roles)."""

    def __init__(self, problems: _Problems) -> None:
        self.problems = problems
        self.owner: Dict[str, str] = {}

    def check(self, path: Path, where: str, kind: str, item_id: str, synonyms: Any) -> bool:
        if not _string_list(synonyms):
            self.problems.add(path, where, "synonyms must be a list of non-empty strings")
            return False
        ok = True
        for synonym in synonyms:
            key, owner = synonym.strip().lower(), f"{kind} {item_id}"
            if self.owner.setdefault(key, owner) != owner:
                self.problems.add(path, where, f"synonym {synonym!r} also names {self.owner[key]}")
                ok = False
        return ok


def _load_roles(path: Path, problems: _Problems, synonyms: _Synonyms, kind: str = "role") -> List[Role]:
    roles = []
    for where, item in _load_ids(path, ROLE_KEYS, problems):
        if synonyms.check(path, where, kind, item["id"], item["synonyms"]):
            roles.append(Role(item["id"], str(item["label"]), str(item["plural"]), tuple(s.strip() for s in item["synonyms"])))
    return roles


def _load_topics(path: Path, problems: _Problems, synonyms: _Synonyms) -> List[Topic]:
    items = _load_ids(path, TOPIC_KEYS, problems, TOPIC_OPTIONAL_KEYS)
    ids = {item["id"] for _, item in items}
    topics = []
    for where, item in items:
        words, near = item.get("synonyms") or [], item.get("near") or []
        if words and not synonyms.check(path, where, "topic", item["id"], words):
            continue
        unknown = [t for t in near if t not in ids or t == item["id"]] if isinstance(near, list) else [near]
        if unknown:
            problems.add(path, where, f"near must list other topic ids, got {unknown!r}")
            continue
        topics.append(Topic(item["id"], str(item["label"]), tuple(words), tuple(near)))
    return topics


def _load_locations(path: Path, problems: _Problems, synonyms: _Synonyms) -> List[Location]:
    locations = []
    for where, item in _load_ids(path, LOCATION_KEYS, problems):
        if not isinstance(item.get("covered"), bool):
            problems.add(path, where, "covered must be true or false")
            continue
        if synonyms.check(path, where, "location", item["id"], item["synonyms"]):
            locations.append(Location(item["id"], str(item["label"]), tuple(s.strip() for s in item["synonyms"]), item["covered"]))
    return locations


def _load_certifications(path: Path, problems: _Problems, synonyms: _Synonyms, entry_ids: Iterable[str]) -> List[Certification]:
    entry_ids = set(entry_ids)
    certifications = []
    for where, item in _load_ids(path, CERTIFICATION_KEYS, problems):
        ok = synonyms.check(path, where, "certification", item["id"], item["synonyms"])
        if item["faq"] not in entry_ids:
            problems.add(path, where, f"faq {item['faq']!r} is not an entry id (faq.yml or variants.yml)")
            ok = False
        summary = item["summary"]
        if not isinstance(summary, str) or not MIN_ANSWER_WORDS // 2 <= word_count(summary) <= MAX_ANSWER_WORDS:
            problems.add(path, where, f"summary must be text of {MIN_ANSWER_WORDS // 2}-{MAX_ANSWER_WORDS} words")
            ok = False
        sources = _load_sources(item["sources"], path, where, problems)
        if ok and sources is not None:
            certifications.append(
                Certification(item["id"], str(item["label"]), tuple(s.strip() for s in item["synonyms"]), " ".join(summary.split()), sources, item["faq"])
            )
    return certifications


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


class _EntryChecker:
    """Checks faq.yml and variants.yml entries; shares what must be unique across both files."""

    def __init__(self, problems: _Problems, roles: Iterable[str], topics: Iterable[str], articles: Iterable[str], page_questions: Sequence[str]):
        self.problems = problems
        self.roles, self.topics, self.articles = set(roles), set(topics), set(articles)
        self.page_questions = page_questions
        self.page = {normalise(q): q for q in page_questions}
        self.owner_of: Dict[str, str] = {}  # normalised question -> the entry that has it
        self.seen_ids: set = set()
        self.answer_of: Dict[Tuple[str, str], str] = {}  # (topic, role) -> entry id

    def _questions(self, path: Path, where: str, questions: Any, variant: bool) -> Optional[List[str]]:
        if not _string_list(questions):
            self.problems.add(path, where, "questions must be a list of non-empty strings")
            return None
        ok = True
        own_page = [q for q in questions if q in self.page_questions]
        if variant and own_page:
            self.problems.add(path, where, f"a page question belongs in faq.yml, not in a variant: {own_page[0]!r}")
            ok = False
        if not variant and not own_page:
            self.problems.add(path, where, "questions must include at least one page question, verbatim (page_questions.txt)")
            ok = False
        for q in questions:
            key = normalise(q)
            if key in self.page and q not in self.page_questions:
                self.problems.add(path, where, f"question {q!r} differs from the page's wording {self.page[key]!r}: copy it verbatim")
                ok = False
            if key in self.owner_of:
                self.problems.add(path, where, f"duplicate question {q!r} (also in {self.owner_of[key]})")
                ok = False
            self.owner_of.setdefault(key, f"{path.name} {where}")
        if variant and len(questions) < MIN_VARIANT_QUESTIONS:
            self.problems.add(path, where, f"needs at least {MIN_VARIANT_QUESTIONS} questions, has {len(questions)}")
            ok = False
        paraphrases = len(questions) - len(own_page)
        if not variant and paraphrases < MIN_PARAPHRASES:
            self.problems.add(path, where, f"needs at least {MIN_PARAPHRASES} paraphrases besides page questions, has {paraphrases}")
            ok = False
        return [q.strip() for q in questions] if ok else None

    def check(self, path: Path, where: str, item: Dict[str, Any], base: Optional[Entry]) -> Optional[Entry]:
        """One entry; `base` is the entry a variant varies (None for a faq.yml entry)."""
        problems, ok = self.problems, True
        variant = "variant_of" in item
        topic = base.topic if base else item["topic"]
        if not variant and topic not in self.topics:
            problems.add(path, where, f"unknown topic {topic!r} (see topics.yml)")
            ok = False
        if item["role"] not in self.roles:
            problems.add(path, where, f"unknown role {item['role']!r} (see roles.yml)")
            ok = False
        elif (topic, item["role"]) in self.answer_of:
            problems.add(path, where, f"{self.answer_of[(topic, item['role'])]} already answers topic {topic!r} for role {item['role']!r}")
            ok = False

        questions = self._questions(path, where, item["questions"], variant)
        ok = ok and questions is not None

        answer = item["answer"]
        if not isinstance(answer, str):
            problems.add(path, where, "answer must be text")
            ok = False
        elif not MIN_ANSWER_WORDS <= word_count(answer) <= MAX_ANSWER_WORDS:
            problems.add(path, where, f"answer has {word_count(answer)} words; keep it {MIN_ANSWER_WORDS}-{MAX_ANSWER_WORDS}")
            ok = False

        summary = item.get("summary")
        if summary is not None and not (isinstance(summary, str) and 3 <= word_count(summary) <= MAX_SUMMARY_WORDS):
            problems.add(path, where, f"summary must be one sentence of at most {MAX_SUMMARY_WORDS} words")
            ok = False

        sources = _load_sources(item["sources"], path, where, problems)
        ok = ok and sources is not None

        linked = item["articles"]
        if not (isinstance(linked, list) and 1 <= len(linked) <= MAX_ARTICLES and all(isinstance(a, str) for a in linked)):
            problems.add(path, where, f"articles must list 1-{MAX_ARTICLES} article ids")
            ok = False
        else:
            for article_id in linked:
                if article_id not in self.articles:
                    problems.add(path, where, f"unknown article id {article_id!r} (see articles.yml)")
                    ok = False
            if len(set(linked)) != len(linked):
                problems.add(path, where, "an article is listed twice")
                ok = False
        if not ok:
            return None
        self.answer_of[(topic, item["role"])] = item["id"]
        return Entry(
            id=item["id"],
            topic=topic,
            role=item["role"],
            questions=tuple(questions),
            answer=" ".join(answer.split()),
            sources=sources,
            articles=tuple(linked),
            title=questions[0] if variant else next(q for q in questions if q in self.page_questions),
            variant_of=base.id if base else None,
            summary=" ".join(summary.split()) if summary else None,
        )


def _load_entries(faq_path: Path, variants_path: Path, checker: _EntryChecker, problems: _Problems) -> List[Entry]:
    entries = []
    for where, item in _load_ids(faq_path, FAQ_KEYS, problems, ENTRY_OPTIONAL_KEYS, checker.seen_ids):
        entry = checker.check(faq_path, where, item, None)
        if entry:
            entries.append(entry)
    bases = {e.id: e for e in entries}
    if variants_path.is_file():  # optional: a knowledge base may have no variants yet
        for where, item in _load_ids(variants_path, VARIANT_KEYS, problems, ENTRY_OPTIONAL_KEYS, checker.seen_ids):
            base = bases.get(item["variant_of"])
            if base is None:
                problems.add(variants_path, where, f"variant_of {item['variant_of']!r} is not an entry of faq.yml")
                continue
            if item["role"] == base.role:
                problems.add(variants_path, where, f"has the same role as {base.id}; a variant answers for another role")
                continue
            entry = checker.check(variants_path, where, item, base)
            if entry:
                entries.append(entry)
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
    synonyms = _Synonyms(problems)
    page_questions = _load_page_questions(directory / "page_questions.txt", problems)
    roles = _load_roles(directory / "roles.yml", problems, synonyms)
    topics = _load_topics(directory / "topics.yml", problems, synonyms)
    locations = _load_locations(directory / "locations.yml", problems, synonyms)
    other_roles = _load_roles(directory / "other_roles.yml", problems, synonyms, "other role")
    for role in other_roles:
        if role.id in {r.id for r in roles}:
            problems.add(directory / "other_roles.yml", role.id, "is also in roles.yml")
    articles = _load_articles(directory / "articles.yml", problems)
    faq_path = directory / "faq.yml"
    checker = _EntryChecker(problems, [r.id for r in roles], [t.id for t in topics], [a.id for a in articles], page_questions)
    entries = _load_entries(faq_path, directory / "variants.yml", checker, problems)
    certifications = _load_certifications(directory / "certifications.yml", problems, synonyms, [e.id for e in entries])
    # Every page question is answered by exactly one entry (duplicates are caught above).
    answered = {q for e in entries for q in e.questions}
    for question in page_questions:
        if question not in answered:
            problems.add(faq_path, "(all entries)", f"page question not answered by any entry: {question!r}")
    if problems.lines:
        raise KnowledgeBaseError(problems.lines)
    return KnowledgeBase(
        tuple(entries),
        tuple(articles),
        tuple(roles),
        tuple(topics),
        tuple(page_questions),
        tuple(locations),
        tuple(certifications),
        tuple(other_roles),
    )


def article_url(article: Article, base_url: str) -> str:
    return base_url.rstrip("/") + article.url
