"""Finds the roles, places, certifications and topics a message names. No Rasa imports.

Used by the NLU component that extracts entities (components/entity_extractor.py) and by the
generator that annotates the generated examples and test stories, so the two cannot drift apart.

Matching rules (the knowledge base's synonym lists decide what matches):
- whole words only, so "PM" does not match inside "PMO";
- the longest mention wins where two overlap: "IT project manager" is one it_project_manager, not
  also a project_manager;
- a synonym written in capitals ("US", "SM", "PMs") matches only in capitals, because "us" and "sm"
  are ordinary words; anything else matches in any case ("uk", "Uk", "UK" for the synonym "uk").
"""

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Tuple

ROLE, LOCATION, CERTIFICATION, TOPIC, OTHER_ROLE = (
    "role",
    "location",
    "certification",
    "topic",
    "other_role",
)
ENTITY_TYPES = (ROLE, LOCATION, CERTIFICATION, TOPIC, OTHER_ROLE)

# Plurals are made for role names that end in one of these words ("PMO analyst" -> "PMO analysts").
_PLURAL_ENDINGS = re.compile(
    r"(manager|manger|mgr|master|mstr|lead|analyst|officer|practitioner|PM|PMO|SM|role|job)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    entity: str  # role, location, certification or topic
    text: str  # as written in the message
    start: int
    end: int


def plural_forms(synonyms: Iterable[str]) -> List[str]:
    """The synonyms and their plurals ("project manager" -> "project managers"), in order, once
    each."""
    forms: List[str] = []
    for synonym in synonyms:
        for form in (synonym, synonym + "s" if _PLURAL_ENDINGS.search(synonym) else None):
            if form and form not in forms:
                forms.append(form)
    return forms


def is_case_sensitive(form: str) -> bool:
    """'US', 'SM', 'PMs': capitals (plus a plural s) mean the form matches only as written."""
    letters = re.sub(r"[^A-Za-z]", "", form[:-1] if form.endswith("s") and len(form) > 2 else form)
    return bool(letters) and letters.isupper()


def _alternation(forms: Iterable[str]) -> str:
    # Longest first, so the regex engine tries "project managers" before "project manager".
    ordered = sorted(set(forms), key=lambda f: (-len(f), f))
    return r"(?<!\w)(?:" + "|".join(re.escape(f) for f in ordered) + r")(?!\w)"


class MentionFinder:
    """Finds mentions of each entity type, given each type's surface forms."""

    def __init__(self, forms: Mapping[str, Iterable[str]]):
        self._patterns: List[Tuple[str, re.Pattern[str]]] = []
        for entity in sorted(forms):
            entity_forms = [f.strip() for f in forms[entity] if f and f.strip()]
            exact = [f for f in entity_forms if is_case_sensitive(f)]
            anycase = [f for f in entity_forms if not is_case_sensitive(f)]
            if exact:
                self._patterns.append((entity, re.compile(_alternation(exact))))
            if anycase:
                self._patterns.append((entity, re.compile(_alternation(anycase), re.IGNORECASE)))

    def find(self, text: str) -> List[Mention]:
        found = [
            Mention(entity, match.group(0), match.start(), match.end())
            for entity, pattern in self._patterns
            for match in pattern.finditer(text or "")
        ]
        # Keep the longest of overlapping mentions (on a tie, the earlier one).
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        kept: List[Mention] = []
        for mention in found:
            if all(mention.end <= k.start or mention.start >= k.end for k in kept):
                kept.append(mention)
        return sorted(kept, key=lambda m: m.start)


def knowledge_forms(kb) -> Dict[str, List[Tuple[str, List[str]]]]:
    """(id, surface forms) for each entity type, from the knowledge base's synonym lists."""
    return {
        ROLE: [(r.id, plural_forms(r.synonyms)) for r in kb.roles],
        LOCATION: [(loc.id, list(loc.synonyms)) for loc in kb.locations],
        CERTIFICATION: [(c.id, list(c.synonyms)) for c in kb.certifications],
        TOPIC: [(t.id, list(t.synonyms)) for t in kb.topics if t.synonyms],
        OTHER_ROLE: [(r.id, plural_forms(r.synonyms)) for r in kb.other_roles],
    }


def finder_for(kb) -> MentionFinder:
    return MentionFinder(
        {
            entity: [f for _, forms in pairs for f in forms]
            for entity, pairs in knowledge_forms(kb).items()
        }
    )


def canonical_ids(kb) -> Dict[str, Dict[str, str]]:
    """For each entity type, lower-cased surface form -> canonical id (what EntitySynonymMapper
    does)."""
    return {
        entity: {form.lower(): item_id for item_id, forms in pairs for form in forms}
        for entity, pairs in knowledge_forms(kb).items()
    }
