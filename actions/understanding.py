"""Turns an NLU parse (Rasa's `latest_message`) into what the assistant should do. No Rasa imports.

The intent classifier ranks the intents: one faq_<id> per knowledge-base entry, small talk,
`out_of_scope`, and `nlu_fallback` when FallbackClassifier finds no intent confident enough. We
answer only when one entry is both confident and clearly ahead of the next; when a few are plausible
we ask "Did you mean ...?"; otherwise we say what we can help with rather than answer a different
question.

The hold-out evaluation (bench/holdout.py) uses this same function, so its numbers are what users
get.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from core.knowledge import faq_id_of
from core.settings import Settings

FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"

ANSWER, CLARIFY, OUT_OF_SCOPE, FALLBACK = "answer", "clarify", "out_of_scope", "fallback"


@dataclass(frozen=True)
class Decision:
    kind: str  # ANSWER, CLARIFY, OUT_OF_SCOPE or FALLBACK
    faq_id: Optional[str] = None  # the entry to answer (ANSWER)
    candidates: Tuple[str, ...] = field(default_factory=tuple)  # entries to offer (CLARIFY)


def faq_ranking(parse_data: Dict[str, Any]) -> List[Tuple[str, float]]:
    """The knowledge-base entries in the intent ranking, best first, as (faq_id, confidence)."""
    ranking = []
    for item in parse_data.get("intent_ranking") or []:
        faq_id = faq_id_of(item.get("name"))
        if faq_id:
            ranking.append((faq_id, float(item.get("confidence") or 0.0)))
    return sorted(ranking, key=lambda pair: pair[1], reverse=True)


def top_intent(parse_data: Dict[str, Any]) -> str:
    """The most likely real intent: the predicted one, or the best ranked one under nlu_fallback."""
    intent = (parse_data.get("intent") or {}).get("name") or ""
    if intent != FALLBACK_INTENT:
        return intent
    for item in parse_data.get("intent_ranking") or []:
        if item.get("name") != FALLBACK_INTENT:
            return item.get("name") or ""
    return ""


def _suggestions(ranking: List[Tuple[str, float]], settings: Settings) -> Tuple[str, ...]:
    return tuple(
        faq_id
        for faq_id, confidence in ranking[: settings.max_suggestions]
        if confidence >= settings.suggestion_threshold
    )


def decide(parse_data: Dict[str, Any], settings: Settings) -> Decision:
    """What to do with a message routed to the answer action (a faq_<id> intent or nlu_fallback)."""
    intent = (parse_data.get("intent") or {}).get("name") or ""
    best_guess = top_intent(parse_data)
    ranking = faq_ranking(parse_data)

    if intent == FALLBACK_INTENT:
        # No intent was confident: offer entries only when an entry was the best guess.
        if faq_id_of(best_guess):
            candidates = _suggestions(ranking, settings)
            if candidates:
                return Decision(CLARIFY, candidates=candidates)
        return Decision(OUT_OF_SCOPE if best_guess == OUT_OF_SCOPE_INTENT else FALLBACK)

    faq_id = faq_id_of(intent)
    if faq_id is None:
        return Decision(OUT_OF_SCOPE if intent == OUT_OF_SCOPE_INTENT else FALLBACK)
    confidence = float((parse_data.get("intent") or {}).get("confidence") or 0.0)
    runner_up = next((c for other, c in ranking if other != faq_id), 0.0)
    if (
        confidence >= settings.answer_threshold
        and confidence - runner_up >= settings.ambiguity_margin
    ):
        return Decision(ANSWER, faq_id=faq_id)
    candidates = _suggestions(ranking, settings) or (faq_id,)
    return Decision(CLARIFY, candidates=candidates)
