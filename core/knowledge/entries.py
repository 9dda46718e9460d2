"""Checks the entries of the topic files: questions, answers, sources, articles, one answer per
(topic, role), and the page's questions each answered exactly once. No Rasa imports."""

from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from core.knowledge import files
from core.knowledge.files import Problems
from core.knowledge.model import Entry, normalise
from core.knowledge.rules import (
    MAX_ANSWER_WORDS,
    MAX_ARTICLES,
    MAX_SUMMARY_WORDS,
    MIN_ANSWER_WORDS,
    MIN_PARAPHRASES,
    MIN_VARIANT_QUESTIONS,
    word_count,
)


class EntryChecker:
    """Checks entries one by one; keeps what must be unique across all topic files."""

    def __init__(
        self,
        problems: Problems,
        roles: Iterable[str],
        articles: Iterable[str],
        page_questions: Sequence[str],
    ):
        self.problems = problems
        self.roles, self.articles = set(roles), set(articles)
        self.page_questions = page_questions
        self.page = {normalise(q): q for q in page_questions}
        self.owner_of: Dict[str, str] = {}  # normalised question -> the entry that has it
        self.answer_of: Dict[Tuple[str, str], str] = {}  # (topic, role) -> entry id

    def _questions(self, path: Path, at: str, questions: Any, variant: bool) -> Optional[List[str]]:
        problems = self.problems
        if not files.string_list(questions):
            problems.add(path, at, "questions must be a list of non-empty strings")
            return None
        ok = True
        own_page = [q for q in questions if q in self.page_questions]
        if variant and own_page:
            problems.add(
                path,
                at,
                f"a page question belongs to an entry of its own, not a variant: {own_page[0]!r}",
            )
            ok = False
        if not variant and not own_page:
            problems.add(
                path,
                at,
                "questions must include at least one page question, verbatim (page_questions.txt)",
            )
            ok = False
        for q in questions:
            key = normalise(q)
            if key in self.page and q not in self.page_questions:
                problems.add(
                    path,
                    at,
                    f"question {q!r} differs from the page's wording {self.page[key]!r}: copy it "
                    "verbatim",
                )
                ok = False
            if key in self.owner_of:
                problems.add(path, at, f"duplicate question {q!r} (also in {self.owner_of[key]})")
                ok = False
            self.owner_of.setdefault(key, f"{files._display(path)} {at}")
        if variant and len(questions) < MIN_VARIANT_QUESTIONS:
            problems.add(
                path, at, f"needs at least {MIN_VARIANT_QUESTIONS} questions, has {len(questions)}"
            )
            ok = False
        paraphrases = len(questions) - len(own_page)
        if not variant and paraphrases < MIN_PARAPHRASES:
            problems.add(
                path,
                at,
                f"needs at least {MIN_PARAPHRASES} paraphrases besides page questions, has "
                f"{paraphrases}",
            )
            ok = False
        return [q.strip() for q in questions] if ok else None

    def _articles(self, path: Path, at: str, linked: Any) -> bool:
        if not (
            isinstance(linked, list)
            and 1 <= len(linked) <= MAX_ARTICLES
            and all(isinstance(a, str) for a in linked)
        ):
            self.problems.add(path, at, f"articles must list 1-{MAX_ARTICLES} article ids")
            return False
        ok = True
        for article_id in linked:
            if article_id not in self.articles:
                self.problems.add(path, at, f"unknown article id {article_id!r} (see articles.yml)")
                ok = False
        if len(set(linked)) != len(linked):
            self.problems.add(path, at, "an article is listed twice")
            ok = False
        return ok

    def check(
        self, path: Path, at: str, item: Dict[str, Any], topic: str, base: Optional[Entry]
    ) -> Optional[Entry]:
        """One entry of `topic`; `base` is the entry a variant varies (None for an entry of its
        own)."""
        problems, ok = self.problems, True
        if item["role"] not in self.roles:
            problems.add(path, at, f"unknown role {item['role']!r} (see roles.yml)")
            ok = False
        elif (topic, item["role"]) in self.answer_of:
            problems.add(
                path,
                at,
                f"{self.answer_of[(topic, item['role'])]} already answers topic {topic!r} for role "
                f"{item['role']!r}",
            )
            ok = False

        questions = self._questions(path, at, item["questions"], base is not None)
        ok = ok and questions is not None

        answer = item["answer"]
        if not isinstance(answer, str):
            problems.add(path, at, "answer must be text")
            ok = False
        elif not MIN_ANSWER_WORDS <= word_count(answer) <= MAX_ANSWER_WORDS:
            problems.add(
                path,
                at,
                f"answer has {word_count(answer)} words; keep it "
                f"{MIN_ANSWER_WORDS}-{MAX_ANSWER_WORDS}",
            )
            ok = False

        summary = item.get("summary")
        if summary is not None and not (
            isinstance(summary, str) and 3 <= word_count(summary) <= MAX_SUMMARY_WORDS
        ):
            problems.add(
                path, at, f"summary must be one sentence of at most {MAX_SUMMARY_WORDS} words"
            )
            ok = False

        sources = files.sources(item["sources"], path, at, problems)
        ok = self._articles(path, at, item["articles"]) and ok and sources is not None
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
            articles=tuple(item["articles"]),
            title=questions[0] if base else next(q for q in questions if q in self.page_questions),
            variant_of=base.id if base else None,
            summary=" ".join(summary.split()) if summary else None,
        )


def check_topic_entries(
    path: Path,
    topic: str,
    items: List[Tuple[str, Dict[str, Any]]],
    checker: EntryChecker,
    problems: Problems,
) -> Tuple[List[Entry], List[Entry]]:
    """A topic file's entries: (entries of their own, variants). A variant's base is in the same
    file."""
    own, variants = [], []
    for at, item in items:
        if "variant_of" not in item:
            entry = checker.check(path, at, item, topic, None)
            if entry:
                own.append(entry)
    bases = {e.id: e for e in own}
    for at, item in items:
        if "variant_of" not in item:
            continue
        base = bases.get(item["variant_of"])
        if base is None:
            problems.add(
                path,
                at,
                f"variant_of {item['variant_of']!r} is not an entry of this topic without "
                "variant_of",
            )
            continue
        if item["role"] == base.role:
            problems.add(
                path, at, f"has the same role as {base.id}; a variant answers for another role"
            )
            continue
        entry = checker.check(path, at, item, topic, base)
        if entry:
            variants.append(entry)
    return own, variants
