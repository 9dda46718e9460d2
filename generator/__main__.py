"""Generates the Rasa training data, domain and dialogue tests that derive from the knowledge base.

    python -m generator           write the generated files
    python -m generator --check   exit 1 if any generated file is missing or stale

Deterministic: the same knowledge base always gives byte-identical files (entries sorted by id). A
malformed knowledge base stops it with every problem listed by file, entry and reason.
"""

import argparse
import sys
from pathlib import Path
from typing import Dict, List

import yaml

from core.knowledge import KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from core.settings import PROJECT_ROOT as ROOT
from generator import test_stories, training
from generator.annotate import Annotator

KNOWLEDGE_DIR = ROOT / "data" / "knowledge"
TEST_PHRASINGS = ROOT / "tests" / "stories" / "phrasings.yml"
GENERATED_DATA, GENERATED_DOMAIN = ROOT / "data" / "generated", ROOT / "domain" / "generated"
GENERATED_TESTS = ROOT / "tests" / "stories" / "generated"


def render(
    kb: KnowledgeBase, kb_dir: Path = KNOWLEDGE_DIR, test_phrasings: Path = TEST_PHRASINGS
) -> Dict[Path, str]:
    annotate = Annotator(kb)
    tests = yaml.safe_load(test_phrasings.read_text(encoding="utf-8"))
    return {
        GENERATED_DATA / "nlu" / "faq.yml": training.nlu_faq(kb, annotate),
        GENERATED_DATA / "nlu" / "entities.yml": training.nlu_entities(kb),
        GENERATED_DATA / "nlu" / "follow_ups.yml": training.nlu_follow_ups(
            kb, training.load_phrasings(kb_dir), annotate
        ),
        GENERATED_DATA / "rules" / "faq.yml": training.rules_faq(kb),
        GENERATED_DATA / "stories" / "follow_ups.yml": training.training_stories(kb),
        GENERATED_DOMAIN / "faq.yml": training.domain_faq(kb),
        GENERATED_TESTS / "test_faq_stories.yml": test_stories.faq_stories(kb, tests, annotate),
        GENERATED_TESTS / "test_follow_up_stories.yml": test_stories.follow_up_stories(
            kb, tests, annotate
        ),
    }


def stale_files(files: Dict[Path, str]) -> List[Path]:
    return [
        path
        for path, text in files.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--check", action="store_true", help="fail if a generated file is missing or stale"
    )
    parser.add_argument("--knowledge-dir", type=Path, default=KNOWLEDGE_DIR)
    args = parser.parse_args(argv)
    try:
        kb = load_knowledge_base(args.knowledge_dir)
        files = render(kb, args.knowledge_dir)
    except KnowledgeBaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(files)
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run `make generate`)", file=sys.stderr)
        if not stale:
            print(f"generated files are up to date ({len(files)} files, {len(kb.entries)} entries)")
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
