"""Turns an NLU parse (Rasa's `latest_message`) into what the assistant should do. No Rasa imports.

The intent classifier ranks the intents (one faq_<id> per knowledge-base entry, small talk,
follow-ups, `out_of_scope`; `nlu_fallback` when FallbackClassifier finds none confident enough) and
says whether its two views of the message agree (`evidence`). A wrong answer is worse than a
question back, so we answer only when one entry is confident, clearly ahead of the next, and both
views name it; otherwise, when entries are plausible, we ask "Did you mean ...?" (up to three); and
when nothing is, we say what we can help with rather than answer a different question. A second
question in the message, for another entry, rides along with the answer as a button.

The benchmark and the hold-out evaluation (bench/) use this same function, so their numbers are
what users get.
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
    also_asked: Optional[str] = None  # another entry the message asks about (ANSWER)


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
    """Up to three plausible entries, when together they are likely enough to be worth offering."""
    top = [
        (f, c) for f, c in ranking[: settings.max_suggestions] if c >= settings.suggestion_threshold
    ]
    return tuple(f for f, _ in top) if sum(c for _, c in top) >= settings.offer_threshold else ()


def _confidence(parse_data: Dict[str, Any], name: str) -> float:
    for item in parse_data.get("intent_ranking") or []:
        if item.get("name") == name:
            return float(item.get("confidence") or 0.0)
    return 0.0


def _second_question(parse_data: Dict[str, Any], answered: str) -> Optional[str]:
    second = ((parse_data.get("evidence") or {}).get("second_question") or {}).get("name")
    faq_id = faq_id_of(second)
    return faq_id if faq_id and faq_id != answered else None


def _views_agree(
    parse_data: Dict[str, Any], intent: str, confidence: float, settings: Settings
) -> bool:
    """Both regressions and the nearest training example name `intent`; or, when it is at least
    `sure_threshold` likely, both regressions do ("how long does it take to become one?": 0.99,
    its nearest example is about becoming one). A parse without `evidence` (a button's payload, an
    older classifier) counts as agreeing."""
    evidence = parse_data.get("evidence")
    if not evidence:
        return True
    views = evidence.get("views") or {}
    return bool(evidence.get("agree")) or (
        confidence >= settings.sure_threshold
        and views.get("words") == views.get("meaning") == intent
    )


def decide(parse_data: Dict[str, Any], settings: Settings) -> Decision:
    """What to do with a message routed to the answer action (a faq_<id> intent, out_of_scope or
    nlu_fallback)."""
    intent = (parse_data.get("intent") or {}).get("name") or ""
    best = top_intent(parse_data)
    ranking = faq_ranking(parse_data)
    faq_id = faq_id_of(best)
    if faq_id and intent != FALLBACK_INTENT:
        confidence = float((parse_data.get("intent") or {}).get("confidence") or 0.0)
        runner_up = next((c for other, c in ranking if other != faq_id), 0.0)
        if (
            _views_agree(parse_data, best, confidence, settings)
            and confidence >= settings.answer_threshold
            and confidence - runner_up >= settings.ambiguity_margin
        ):
            return Decision(ANSWER, faq_id=faq_id, also_asked=_second_question(parse_data, faq_id))
    if best == OUT_OF_SCOPE_INTENT and _confidence(parse_data, best) >= settings.decline_threshold:
        return Decision(OUT_OF_SCOPE)
    if faq_id or best == OUT_OF_SCOPE_INTENT:
        candidates = _suggestions(ranking, settings)
        if candidates:
            return Decision(CLARIFY, candidates=candidates)
    return Decision(OUT_OF_SCOPE if best == OUT_OF_SCOPE_INTENT else FALLBACK)
