"""Scores the assistant on real people's messages (tests/real/), as tests/real/README.md describes.

Each message is sent through the REST channel as a new conversation; the reply's `custom` marker
says what it was: an answer (`faq_id`), a "Did you mean" (`clarify`, with `candidates`), a "no
answer for that role" (`no_answer`), or something without an entry (declined). Only measured here:
none of these messages may be in the training data (tests/unit/test_leaks.py checks it).
"""

import asyncio
import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

REAL = Path(__file__).resolve().parent.parent / "tests" / "real"
QUESTIONS = REAL / "real_questions.tsv"
NEAR_DUPLICATES = REAL / "near_duplicates.yml"
OUT_OF_SCOPE = "OUT_OF_SCOPE"
LENGTHS = (("under 60", 0, 60), ("60-120", 60, 121), ("over 120", 121, 10**9))


@dataclass(frozen=True)
class RealQuestion:
    utterance: str
    labels: Tuple[str, ...]  # page questions; () when out of scope
    role: Optional[str]
    source_kind: str

    @property
    def in_scope(self) -> bool:
        return bool(self.labels)

    @property
    def length(self) -> str:
        return next(name for name, low, high in LENGTHS if low <= len(self.utterance) < high)


def load(path: Path = QUESTIONS) -> List[RealQuestion]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        RealQuestion(
            row["utterance"],
            ()
            if row["label"] == OUT_OF_SCOPE
            else tuple(p.strip() for p in row["label"].split(" | ")),
            row["role"] or None,
            row["source_kind"],
        )
        for row in rows
    ]


def near_groups(path: Path = NEAR_DUPLICATES) -> Dict[str, Set[str]]:
    """Page question -> the page questions of its group (itself included)."""
    groups = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: Dict[str, Set[str]] = {}
    for questions in groups.values():
        for q in questions:
            out[q] = set(questions)
    return out


@dataclass(frozen=True)
class Expected:
    """What a right reply is: one of `strict` (or `soft`) entries, or a no_answer for
    `no_variant_role`."""

    strict: Set[str]
    soft: Set[str]
    no_variant_role: Optional[str] = None


def expected(kb, question: RealQuestion, groups: Dict[str, Set[str]]) -> Expected:
    owner = {q: e for e in kb.intent_entries for q in e.questions}

    def for_role(page_questions: Iterable[str]) -> Tuple[Set[str], bool]:
        ids, missing = set(), False
        for page_question in page_questions:
            entry = owner[page_question]
            if question.role and question.role != entry.role:
                variant = kb.answer_for(entry.topic, question.role)
                if variant is None:
                    missing = True
                    continue
                entry = variant
            ids.add(entry.id)
        return ids, missing

    strict, missing = for_role(question.labels)
    soft, _ = for_role({s for label in question.labels for s in groups.get(label, {label})})
    return Expected(strict, soft | strict, question.role if missing else None)


def marker(messages: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    customs = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    return customs[-1] if customs else {}


@dataclass
class Outcome:
    question: RealQuestion
    kind: str  # strict, soft, offered, declined, wrong, no_answer_right
    reply: str  # what came back, for the list of misses


def judge(kb, question: RealQuestion, messages: Sequence[Dict[str, Any]], groups) -> Outcome:
    custom = marker(messages)
    faq_id, kind = custom.get("faq_id"), custom.get("type", "")
    reply = f"{kind}:{faq_id}" if faq_id else f"{kind}{custom.get('candidates') or ''}"
    if not question.in_scope:
        return Outcome(question, "wrong" if faq_id else "declined", reply)
    want = expected(kb, question, groups)
    if faq_id:
        if faq_id in want.strict:
            return Outcome(question, "strict", reply)
        return Outcome(question, "soft" if faq_id in want.soft else "wrong", reply)
    if want.no_variant_role and kind == "no_answer" and custom.get("role") == want.no_variant_role:
        return Outcome(question, "strict", reply)
    if kind == "clarify" and set(custom.get("candidates") or ()) & want.soft:
        return Outcome(question, "offered", reply)
    return Outcome(question, "declined", reply)


@dataclass
class Score:
    outcomes: List[Outcome] = field(default_factory=list)

    def _share(self, outcomes: List[Outcome], kinds: Iterable[str]) -> float:
        return sum(o.kind in kinds for o in outcomes) / len(outcomes) if outcomes else float("nan")

    def figures(self, outcomes: Optional[List[Outcome]] = None) -> Dict[str, float]:
        outcomes = self.outcomes if outcomes is None else outcomes
        in_scope = [o for o in outcomes if o.question.in_scope]
        off_topic = [o for o in outcomes if not o.question.in_scope]
        return {
            "messages": len(outcomes),
            "strict": self._share(in_scope, ("strict",)),
            "soft": self._share(in_scope, ("strict", "soft")),
            "offered": self._share(in_scope, ("strict", "soft", "offered")),
            "declined": self._share(off_topic, ("declined",)),
            "wrong": self._share(outcomes, ("wrong",)),
        }

    def by(self, key) -> Dict[str, Dict[str, float]]:
        groups: Dict[str, List[Outcome]] = {}
        for o in self.outcomes:
            groups.setdefault(key(o.question), []).append(o)
        return {name: self.figures(items) for name, items in sorted(groups.items())}

    def misses(self) -> List[Outcome]:
        return [
            o
            for o in self.outcomes
            if o.kind in ("wrong", "offered") or (o.question.in_scope and o.kind == "declined")
        ]

    def summary(self) -> str:
        f = self.figures()
        return (
            f"real questions: right {f['soft']:.1%} (strict {f['strict']:.1%}), right or offered "
            f"{f['offered']:.1%}, "
            f"off-topic declined {f['declined']:.1%}, confidently wrong {f['wrong']:.1%} of "
            f"{f['messages']} messages"
        )


def score(
    kb, questions: Sequence[RealQuestion], replies: Sequence[Sequence[Dict[str, Any]]]
) -> Score:
    groups = near_groups()
    return Score([judge(kb, q, r, groups) for q, r in zip(questions, replies)])


async def ask_all(
    webhook: str, questions: Sequence[RealQuestion], prefix: str = "real"
) -> List[List[Dict[str, Any]]]:
    """Each message in a new conversation, a few at a time."""
    import aiohttp

    semaphore = asyncio.Semaphore(4)

    async def ask(session, i: int, q: RealQuestion):
        async with semaphore:
            async with session.post(
                webhook, json={"sender": f"{prefix}-{i}", "message": q.utterance}
            ) as response:
                return await response.json()

    async with aiohttp.ClientSession() as session:
        return list(await asyncio.gather(*(ask(session, i, q) for i, q in enumerate(questions))))


def words(text: str) -> Set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def kinds(score_: Score) -> Counter:
    return Counter(o.kind for o in score_.outcomes)


def replies_to_intents(kb, settings, texts: Sequence[str], intents: Sequence[str]):
    """What the assistant's answer action replies when a message is understood as `intents` (''
    for nothing), with the roles, places and certifications the message mentions: how the TF-IDF
    baseline is scored, through the same dialogue layer as the served models."""
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.actions import ActionAnswerFaq
    from core.mentions import canonical_ids, finder_for

    action, finder, ids = ActionAnswerFaq(kb, settings), finder_for(kb), canonical_ids(kb)
    replies = []
    for text, intent in zip(texts, intents):
        entities = [
            {"entity": m.entity, "value": ids[m.entity][m.text.lower()], "start": m.start}
            for m in finder.find(text)
        ]
        name = intent or "nlu_fallback"
        parse = {
            "text": text,
            "intent": {"name": name, "confidence": 1.0 if intent else 0.0},
            "intent_ranking": [{"name": name, "confidence": 1.0}] if intent else [],
            "entities": entities,
        }
        dispatcher = CollectingDispatcher()
        tracker = Tracker("bench", {}, parse, [], False, None, {}, "action_listen")
        asyncio.run(action.run(dispatcher, tracker, {}))
        replies.append(dispatcher.messages)
    return replies
