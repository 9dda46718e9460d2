"""Scores a trained model on the NLU hold-out set (tests/nlu/holdout.yml), as users would see it.

Each message goes through the model's NLU and then the same decision the answer action makes
(actions/understanding.py). An answerable message counts as correct only when the assistant
answers it with the expected entry; a "Did you mean" is not an answer. An out-of-scope message
counts as rejected when the assistant does not answer it with any entry.

    python -m bench.holdout [--model models/pathfinder.tar.gz] [--errors]
"""

import argparse
import asyncio
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from actions import dialogue
from actions.conversation import Context, Mentions
from actions.understanding import ANSWER, CLARIFY, Decision, decide
from core.knowledge import KnowledgeBase, load_knowledge_base
from core.settings import PROJECT_ROOT as ROOT
from core.settings import load_settings

HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
FOLLOW_UP_HOLDOUT = ROOT / "tests" / "nlu" / "holdout_follow_ups.yml"
ENTITY_TYPES = ("role", "location", "certification", "topic")
OUT_OF_SCOPE = "out_of_scope"


def nlu_files():
    """The NLU training files: hand-written (data/nlu/) and generated (data/generated/nlu/)."""
    return sorted((ROOT / "data" / "nlu").glob("*.yml")) + sorted(
        (ROOT / "data" / "generated" / "nlu").glob("*.yml")
    )


@dataclass
class Report:
    answerable: int = 0
    correct: int = 0
    clarified_with_right_entry: int = 0
    wrong_answers: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    errors: List[Tuple[str, str, str]] = field(
        default_factory=list
    )  # text, expected, what happened

    @property
    def accuracy(self) -> float:
        return self.correct / self.answerable if self.answerable else 0.0

    @property
    def rejection(self) -> float:
        return self.rejected / self.out_of_scope if self.out_of_scope else 0.0

    def summary(self) -> str:
        return (
            f"hold-out: {self.correct}/{self.answerable} answerable answered correctly "
            f"({self.accuracy:.1%}); "
            f"{self.clarified_with_right_entry} more got 'Did you mean' with the right entry; "
            f"{self.wrong_answers} answered with a wrong entry; "
            f"out of scope rejected {self.rejected}/{self.out_of_scope} ({self.rejection:.1%})"
        )


def _plain(example: str) -> str:
    """An example without its entity markup: '[PMO]{"entity": ...}' -> 'PMO'."""
    return re.sub(r"\[([^\]]+)\]\{[^}]*\}", r"\1", example)


def training_examples() -> List[Tuple[str, str]]:
    """Every (text, intent) of the NLU training data (lookup tables and synonyms are not
    examples)."""
    pairs = []
    for path in nlu_files():
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                lines = block["examples"].splitlines()
                pairs.extend(
                    (_plain(line[2:].strip()), block["intent"])
                    for line in lines
                    if line.startswith("- ")
                )
    return pairs


def load_holdout(path: Path = HOLDOUT) -> List[Dict[str, str]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [{"text": str(i["text"]), "expect": str(i["expect"])} for i in items]


def tally(items: List[Dict[str, str]], decisions: List[Decision]) -> Report:
    """Scores what a system decided for each hold-out item (ours, or a baseline's)."""
    report = Report()
    for item, decision in zip(items, decisions):
        outcome = (
            decision.faq_id
            if decision.kind == ANSWER
            else f"{decision.kind}{list(decision.candidates) or ''}"
        )
        if item["expect"] == OUT_OF_SCOPE:
            report.out_of_scope += 1
            if decision.kind == ANSWER:
                report.errors.append((item["text"], OUT_OF_SCOPE, outcome))
            else:
                report.rejected += 1
            continue
        report.answerable += 1
        if decision.kind == ANSWER and decision.faq_id == item["expect"]:
            report.correct += 1
            continue
        if decision.kind == CLARIFY and item["expect"] in decision.candidates:
            report.clarified_with_right_entry += 1
        elif decision.kind == ANSWER:
            report.wrong_answers += 1
        report.errors.append((item["text"], item["expect"], outcome))
    return report


def as_answered(kb: KnowledgeBase, decision: Decision, parse: Dict[str, Any]) -> Decision:
    """What the user gets from the answer action at the start of a conversation: an answer goes to
    the role the message names ("how much does a PMO analyst earn?" -> pmo_salary), or to a
    "no answer for that role" with suggestions."""
    if decision.kind != ANSWER:
        return decision
    mentions = Mentions.from_entities(parse.get("entities") or [], kb)
    outcome = dialogue.answer(kb, "", kb.entry(decision.faq_id), mentions, Context())
    marker = outcome.messages[-1]["json_message"]
    if marker["type"] == "faq_answer":
        return Decision(ANSWER, faq_id=marker["faq_id"])
    return Decision(CLARIFY, candidates=tuple(marker.get("candidates") or ()))


def score(
    items: List[Dict[str, str]],
    parses: List[Dict[str, Any]],
    settings=None,
    kb: KnowledgeBase = None,
) -> Report:
    """Scores NLU parses through the answer action's own decision rule and role resolution."""
    settings = settings or load_settings()
    kb = kb or load_knowledge_base(settings.knowledge_dir)
    return tally(items, [as_answered(kb, decide(parse, settings), parse) for parse in parses])


async def parse_all(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # otherwise every parse is logged

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def evaluate(model: Path, holdout: Path = HOLDOUT, settings=None) -> Report:
    items = load_holdout(holdout)
    parses = asyncio.run(parse_all(model, [i["text"] for i in items]))
    return score(items, parses, settings)


@dataclass
class FollowUpReport:
    total: int = 0
    intent_correct: int = 0
    entities_correct: int = 0
    errors: List[Tuple[str, str, str]] = field(default_factory=list)  # text, expected, got

    def summary(self) -> str:
        return (
            f"follow-up hold-out: intent {self.intent_correct}/{self.total} "
            f"({self.intent_correct / self.total:.1%}), "
            f"entities exactly right {self.entities_correct}/{self.total} "
            f"({self.entities_correct / self.total:.1%})"
        )


def load_follow_up_holdout(path: Path = FOLLOW_UP_HOLDOUT) -> List[Dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _expected_entities(item: Dict[str, Any]) -> Dict[str, List[str]]:
    out = {}
    for kind in ENTITY_TYPES:
        if kind in item:
            out[kind] = sorted(item[kind] if isinstance(item[kind], list) else [item[kind]])
    return out


def score_follow_ups(items: List[Dict[str, Any]], parses: List[Dict[str, Any]]) -> FollowUpReport:
    """Intent, and the set of entity values per type, against what the hold-out expects."""
    report = FollowUpReport()
    for item, parse in zip(items, parses):
        report.total += 1
        intent = (parse.get("intent") or {}).get("name")
        found: Dict[str, List[str]] = {}
        for entity in parse.get("entities") or []:
            found.setdefault(entity["entity"], []).append(entity["value"])
        found = {k: sorted(set(v)) for k, v in found.items()}
        expected = _expected_entities(item)
        report.intent_correct += intent == item["intent"]
        report.entities_correct += found == expected
        if intent != item["intent"] or found != expected:
            report.errors.append(
                (item["text"], f"{item['intent']} {expected}", f"{intent} {found}")
            )
    return report


def evaluate_follow_ups(model: Path, holdout: Path = FOLLOW_UP_HOLDOUT) -> FollowUpReport:
    items = load_follow_up_holdout(holdout)
    return score_follow_ups(items, asyncio.run(parse_all(model, [i["text"] for i in items])))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "pathfinder.tar.gz")
    parser.add_argument("--holdout", type=Path, default=HOLDOUT)
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    report = evaluate(args.model, args.holdout)
    if args.errors:
        for text, expected, outcome in report.errors:
            print(f"  expected {expected:32} got {outcome:40} {text}")
        print(Counter(e[1] for e in report.errors).most_common())
    print(report.summary())
    follow_ups = evaluate_follow_ups(args.model)
    if args.errors:
        for text, expected, got in follow_ups.errors:
            print(f"  expected {expected:50} got {got:50} {text}")
    print(follow_ups.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
