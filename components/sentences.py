"""The question inside a message: people give background first and ask last, often two things at
once ("Is the job stressful? And does it pay well?"). Pure text handling, no Rasa imports."""

import re
from typing import List

# A sentence ends at . ! or ? followed by space, at an ellipsis (long posts are cut with " ... "),
# or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\s*(?:\.\.\.|…)\s*|\n+")
# Questions that ask nothing on their own: "Any advice?", "Thoughts?", "Help!"
_EMPTY = re.compile(
    r"^(any (advice|tips|thoughts|ideas|suggestions|help)|thoughts|ideas|help|please help"
    r"|thanks?( in advance)?|tia|what do you think|what would you do|am i crazy"
    r"|is that (normal|right))\W*$",
    re.IGNORECASE,
)
MIN_QUESTION_WORDS = 3


def sentences(text: str) -> List[str]:
    """The message's sentences, in order (the whole text when it has no boundary)."""
    parts = [p.strip() for p in _BOUNDARY.split(text or "") if p and p.strip()]
    return parts or ([text.strip()] if text and text.strip() else [])


def questions(text: str) -> List[str]:
    """The sentences that ask something on their own: they end with '?' and have a few words, and
    are not "Any advice?"-style closers. Empty for a message of one sentence."""
    parts = sentences(text)
    if len(parts) < 2:
        return []
    return [
        p
        for p in parts
        if p.endswith("?") and len(p.split()) >= MIN_QUESTION_WORDS and not _EMPTY.match(p)
    ]
