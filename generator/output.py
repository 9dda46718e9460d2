"""How generated files are written: the header that says so, YAML without aliases, examples one per
line."""

from typing import Iterable, List

import yaml

from core.knowledge import Entry

HEADER = (
    "# GENERATED FILE - DO NOT EDIT.\n"
    "# Made by `python -m generator` from data/knowledge/ (run `make generate`).\n"
    "# Edit the knowledge base instead; `make check` fails when this file is stale.\n"
)
NLU_VERSION = 'version: "3.1"\n'


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a repeated step out in full instead of as a YAML alias (&id001 / *id001)."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump(data) -> str:
    return yaml.dump(
        data,
        Dumper=_NoAliasDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def generated(data) -> str:
    """A whole generated Rasa file: header, version, then the data."""
    return HEADER + NLU_VERSION + dump(data)


def examples_block(intent: str, examples: Iterable[str]) -> str:
    # Examples sit in a YAML literal block, one per line: keep each on one line.
    lines = "".join(f"    - {' '.join(e.split())}\n" for e in examples)
    return f"- intent: {intent}\n  examples: |\n{lines}"


def by_id(entries: Iterable[Entry]) -> List[Entry]:
    return sorted(entries, key=lambda e: e.id)
