"""Generates the Rasa training and test data that derive from the knowledge base.

    python scripts/generate.py           write the generated files
    python scripts/generate.py --check   exit 1 if any generated file is missing or stale

Deterministic: the same knowledge base always gives byte-identical files (entries sorted by id).
A malformed knowledge base stops it with every problem listed by file, entry and reason.
"""
import argparse
import sys
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions.knowledge import KnowledgeBase, KnowledgeBaseError, faq_intent, load_knowledge_base  # noqa: E402

HEADER = (
    "# GENERATED FILE - DO NOT EDIT.\n"
    "# Made by scripts/generate.py from data/knowledge/ (run `make generate`).\n"
    "# Edit the knowledge base instead; `make test` fails when this file is stale.\n"
)
NLU_VERSION = 'version: "3.1"\n'


def _dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _block_line(text: str) -> str:
    # Examples sit in a YAML literal block, one per line: keep each on one line.
    return " ".join(text.split())


def _sorted(kb: KnowledgeBase):
    return sorted(kb.entries, key=lambda e: e.id)


def nlu_faq(kb: KnowledgeBase) -> str:
    """One intent faq_<id> per entry; its examples are the entry's questions."""
    out = [HEADER, NLU_VERSION, "nlu:\n"]
    for entry in _sorted(kb):
        out.append(f"- intent: {faq_intent(entry.id)}\n  examples: |\n")
        out.extend(f"    - {_block_line(q)}\n" for q in entry.questions)
    return "".join(out)


def domain_faq(kb: KnowledgeBase) -> str:
    """The faq_<id> intents, for the domain (merged with the hand-written domain/pathfinder.yml)."""
    return HEADER + NLU_VERSION + _dump({"intents": [faq_intent(e.id) for e in _sorted(kb)]})


def rules_faq(kb: KnowledgeBase) -> str:
    """Every entry's intent goes to the answer action (which may still ask 'Did you mean ...?')."""
    rules = [
        {"rule": f"answer {entry.id}", "steps": [{"intent": faq_intent(entry.id)}, {"action": "action_answer_faq"}]}
        for entry in _sorted(kb)
    ]
    return HEADER + NLU_VERSION + _dump({"rules": rules})


def test_stories_faq(kb: KnowledgeBase) -> str:
    """Each entry, asked in the page's wording, is understood and answered."""
    stories = [
        {
            "story": f"{entry.id} asked in the page's words",
            "steps": [{"user": entry.title, "intent": faq_intent(entry.id)}, {"action": "action_answer_faq"}],
        }
        for entry in _sorted(kb)
    ]
    return HEADER + NLU_VERSION + _dump({"stories": stories})


def render(kb: KnowledgeBase) -> Dict[Path, str]:
    return {
        ROOT / "data" / "nlu" / "faq.yml": nlu_faq(kb),
        ROOT / "data" / "rules" / "faq.yml": rules_faq(kb),
        ROOT / "domain" / "faq.yml": domain_faq(kb),
        ROOT / "tests" / "stories" / "test_faq_stories.yml": test_stories_faq(kb),
    }


def stale_files(files: Dict[Path, str]) -> List[Path]:
    return [path for path, text in files.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a generated file is missing or stale")
    parser.add_argument("--knowledge-dir", type=Path, default=ROOT / "data" / "knowledge")
    args = parser.parse_args(argv)
    try:
        kb = load_knowledge_base(args.knowledge_dir)
    except KnowledgeBaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    files = render(kb)
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
