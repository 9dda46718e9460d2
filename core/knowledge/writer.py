"""Writes knowledge-base topic files in one canonical layout, so a file written from what was read
back is byte-for-byte the same (the spreadsheet import relies on it). No Rasa imports."""

from typing import Any, Dict, List

import yaml

TOPIC_FILE_HEADER = (
    "# One topic of the knowledge base: the topic, then its entries, one answer per role "
    "(docs/content.md).\n"
    "# An entry with `variant_of` answers its base entry's question for another role. Answers: "
    "60-200 words,\n"
    "# our own words; sources: the name and year of every fact or figure.\n"
)
# Key order in the file: what an editor reads first.
TOPIC_ORDER = ("id", "label", "synonyms", "near")
ENTRY_ORDER = ("id", "variant_of", "role", "questions", "summary", "answer", "sources", "articles")
WIDTH = 110


class _Folded(str):
    """Long prose: written as a folded block (`>-`), wrapped at WIDTH."""


class _Flow(list):
    """Short lists of ids or words: written on one line."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


_Dumper.add_representer(
    _Folded, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style=">")
)
_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", list(v), flow_style=True)
)


def _ordered(item: Dict[str, Any], order) -> Dict[str, Any]:
    """Known keys in `order`, then any others as they were (so the loader can name a mistyped
    key)."""
    known = {key: item[key] for key in order if key in item and item[key] not in (None, [], "")}
    return {**known, **{key: value for key, value in item.items() if key not in order}}


def _entry(item: Dict[str, Any]) -> Dict[str, Any]:
    out = _ordered(item, ENTRY_ORDER)
    if isinstance(out.get("questions"), list):
        out["questions"] = [
            " ".join(q.split()) if isinstance(q, str) else q for q in out["questions"]
        ]
    if isinstance(out.get("answer"), str):
        out["answer"] = _Folded(" ".join(out["answer"].split()))
    if isinstance(out.get("summary"), str):
        out["summary"] = " ".join(out["summary"].split())
    if isinstance(out.get("sources"), list):
        out["sources"] = [
            _ordered(s, ("name", "year")) if isinstance(s, dict) else s for s in out["sources"]
        ]
    if isinstance(out.get("articles"), list):
        out["articles"] = _Flow(out["articles"])
    return out


def topic_file(topic: Dict[str, Any], entries: List[Dict[str, Any]]) -> str:
    """The text of topics/<topic id>.yml."""
    head = _ordered(topic, TOPIC_ORDER)
    for key in ("synonyms", "near"):
        if isinstance(head.get(key), list):
            head[key] = _Flow(head[key])
    body = yaml.dump(
        {"topic": head, "entries": [_entry(e) for e in entries]},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=WIDTH,
        default_flow_style=False,
    )
    return TOPIC_FILE_HEADER + body
