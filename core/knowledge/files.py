"""Reading knowledge-base files and the checks every file shares. No Rasa imports.

Every problem is collected as `file: entry: reason` and reported all at once (KnowledgeBaseError),
so an editor can fix a file in one pass.
"""

import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from core.knowledge.model import Source
from core.knowledge.rules import SLUG


class KnowledgeBaseError(ValueError):
    """The knowledge base is malformed or inconsistent. `problems` lists every one found."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the knowledge base:\n{listed}")


class Problems:
    """Collects problems as 'file: entry: reason' lines."""

    def __init__(self) -> None:
        self.lines: List[str] = []

    def add(self, file: Path, entry: str, reason: str) -> None:
        self.lines.append(f"{_display(file)}: {entry}: {reason}")


def _display(file: Path) -> str:
    """topics/salary.yml for a topic file, else the file's name."""
    return f"{file.parent.name}/{file.name}" if file.parent.name == "topics" else file.name


def read_yaml(path: Path, problems: Problems, kind: type = list) -> Any:
    """The file's YAML if it is a `kind` (list or dict), else None with the reason recorded."""
    if not path.is_file():
        problems.add(path, "(file)", f"missing: expected {path}")
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.add(path, "(file)", f"not valid YAML: {error}")
        return None
    except UnicodeDecodeError as error:
        problems.add(path, "(file)", f"not UTF-8 text: {error}")
        return None
    if not isinstance(data, kind):
        wanted = "a list of entries" if kind is list else "a mapping"
        problems.add(path, "(file)", f"must be {wanted}, found {type(data).__name__}")
        return None
    return data


def check_keys(
    item: Any,
    keys: Sequence[str],
    path: Path,
    where: str,
    problems: Problems,
    optional: Sequence[str] = (),
) -> bool:
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
            allowed = ", ".join(tuple(keys) + tuple(optional))
            problems.add(path, where, f"unknown key {key!r} (allowed: {allowed})")
            ok = False
    return ok


def where(item: Any, index: int) -> str:
    """How messages name an entry: 'entry 3 (pm_degree)'."""
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"entry {index + 1} ({item['id']})"
    return f"entry {index + 1}"


def string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def checked_items(
    path: Path,
    items: Optional[List[Any]],
    keys: Sequence[str],
    problems: Problems,
    optional: Sequence[str] = (),
    seen: Optional[set] = None,
) -> List[Tuple[str, Dict[str, Any]]]:
    """Common checks for a list of entries with a slug `id`: keys present, ids valid and unique.

    Returns (where, item) pairs. `seen` carries ids across files that share one id space (the
    topics)."""
    good = []
    seen = set() if seen is None else seen
    for index, item in enumerate(items or []):
        at = where(item, index)
        if not check_keys(item, keys, path, at, problems, optional):
            continue
        if not isinstance(item["id"], str) or not SLUG.match(item["id"]):
            problems.add(path, at, f"id must be a snake_case slug, got {item['id']!r}")
            continue
        if item["id"] in seen:
            problems.add(path, at, f"duplicate id {item['id']!r}")
            continue
        seen.add(item["id"])
        good.append((at, item))
    return good


class Synonyms:
    """Checks that no surface form names two things (a role and a location, or two roles)."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.owner: Dict[str, str] = {}

    def check(self, path: Path, at: str, kind: str, item_id: str, synonyms: Any) -> bool:
        if not string_list(synonyms):
            self.problems.add(path, at, "synonyms must be a list of non-empty strings")
            return False
        ok = True
        for synonym in synonyms:
            key, owner = synonym.strip().lower(), f"{kind} {item_id}"
            if self.owner.setdefault(key, owner) != owner:
                self.problems.add(path, at, f"synonym {synonym!r} also names {self.owner[key]}")
                ok = False
        return ok


def sources(value: Any, path: Path, at: str, problems: Problems) -> Optional[Tuple[Source, ...]]:
    if not isinstance(value, list):
        problems.add(path, at, "sources must be a list of {name, year}")
        return None
    this_year = datetime.date.today().year
    found = []
    for source in value:
        if not (isinstance(source, dict) and set(source) == {"name", "year"}):
            problems.add(path, at, f"each source needs exactly 'name' and 'year', got {source!r}")
            return None
        name, year = source["name"], source["year"]
        if not isinstance(name, str) or not name.strip():
            problems.add(path, at, f"source name must be text, got {name!r}")
            return None
        if not isinstance(year, int) or not 1900 <= year <= this_year:
            problems.add(
                path, at, f"source {name!r}: year must be a year up to {this_year}, got {year!r}"
            )
            return None
        found.append(Source(name.strip(), year))
    return tuple(found)


def stripped(values: Iterable[str]) -> Tuple[str, ...]:
    return tuple(v.strip() for v in values)
