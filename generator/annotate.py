"""Marks the entities in an example the way the NLU's extractor will find them
(core/mentions.py)."""

from typing import Dict, List

from core.knowledge import KnowledgeBase
from core.mentions import MentionFinder, canonical_ids, finder_for


class Annotator:
    def __init__(self, kb: KnowledgeBase):
        self.finder: MentionFinder = finder_for(kb)
        self.canonical = canonical_ids(kb)

    def entities(self, text: str) -> List[Dict[str, str]]:
        return [
            {m.entity: self.canonical[m.entity][m.text.lower()]} for m in self.finder.find(text)
        ]

    def __call__(self, text: str) -> str:
        out, last = [], 0
        for m in self.finder.find(text):
            value = self.canonical[m.entity][m.text.lower()]
            out.append(
                text[last : m.start] + f'[{m.text}]{{"entity": "{m.entity}", "value": "{value}"}}'
            )
            last = m.end
        return "".join(out) + text[last:]
