"""Scores a trained model on the NLU hold-out set (tests/nlu/holdout.yml), as users would see it.

Each message goes through the model's NLU and then the same decision the answer action makes
(actions/understanding.py). An answerable message counts as correct only when the assistant
answers it with the expected entry; a "Did you mean" is not an answer. An out-of-scope message
counts as rejected when the assistant does not answer it with any entry.

    python scripts/evaluate_holdout.py [--model models/pathfinder.tar.gz] [--errors]
"""
import argparse
import asyncio
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.settings import load_settings  # noqa: E402
from actions.understanding import ANSWER, CLARIFY, Decision, decide  # noqa: E402

HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
OUT_OF_SCOPE = "out_of_scope"


@dataclass
class Report:
    answerable: int = 0
    correct: int = 0
    clarified_with_right_entry: int = 0
    wrong_answers: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    errors: List[Tuple[str, str, str]] = field(default_factory=list)  # text, expected, what happened

    @property
    def accuracy(self) -> float:
        return self.correct / self.answerable if self.answerable else 0.0

    @property
    def rejection(self) -> float:
        return self.rejected / self.out_of_scope if self.out_of_scope else 0.0

    def summary(self) -> str:
        return (
            f"hold-out: {self.correct}/{self.answerable} answerable answered correctly ({self.accuracy:.1%}); "
            f"{self.clarified_with_right_entry} more got 'Did you mean' with the right entry; "
            f"{self.wrong_answers} answered with a wrong entry; "
            f"out of scope rejected {self.rejected}/{self.out_of_scope} ({self.rejection:.1%})"
        )


def training_examples() -> List[Tuple[str, str]]:
    """Every (text, intent) of the NLU training data in data/nlu/."""
    pairs = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            pairs.extend((line[2:].strip(), block["intent"]) for line in block["examples"].splitlines() if line.startswith("- "))
    return pairs


def load_holdout(path: Path = HOLDOUT) -> List[Dict[str, str]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [{"text": str(i["text"]), "expect": str(i["expect"])} for i in items]


def tally(items: List[Dict[str, str]], decisions: List[Decision]) -> Report:
    """Scores what a system decided for each hold-out item (ours, or a baseline's)."""
    report = Report()
    for item, decision in zip(items, decisions):
        outcome = decision.faq_id if decision.kind == ANSWER else f"{decision.kind}{list(decision.candidates) or ''}"
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


def score(items: List[Dict[str, str]], parses: List[Dict[str, Any]], settings=None) -> Report:
    """Scores NLU parses through the answer action's own decision rule."""
    settings = settings or load_settings()
    return tally(items, [decide(parse, settings) for parse in parses])


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


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
