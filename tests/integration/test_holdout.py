"""NLU hold-out: messages written apart from the training data, scored as the user would see them."""
import importlib.util
from pathlib import Path

from actions.knowledge import normalise

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("evaluate_holdout", ROOT / "scripts" / "evaluate_holdout.py")
evaluate_holdout = importlib.util.module_from_spec(spec)
spec.loader.exec_module(evaluate_holdout)

MIN_ACCURACY = 0.90
MIN_REJECTION = 0.90
# Follow-ups ("what about PMO?", "which one pays more?"): intent, and every entity exactly right.
MIN_FOLLOW_UP_INTENT = 0.80
MIN_FOLLOW_UP_ENTITIES = 0.95
REPORT = ROOT / "results" / "holdout.txt"


def _training_texts():
    return {normalise(text) for text, _ in evaluate_holdout.training_examples()}


def test_holdout_is_big_enough_and_never_trained_on(kb):
    items = evaluate_holdout.load_holdout()
    out_of_scope = [i for i in items if i["expect"] == "out_of_scope"]
    assert len(items) >= 200 and len(out_of_scope) >= 40
    assert {i["expect"] for i in items} - {"out_of_scope"} <= {e.id for e in kb.entries}
    training = _training_texts()
    leaked = [i["text"] for i in items if normalise(i["text"]) in training]
    assert leaked == [], f"hold-out messages found in the training data: {leaked}"


def test_holdout_accuracy_and_out_of_scope_rejection(trained_model, record_property):
    report = evaluate_holdout.evaluate(trained_model)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        report.summary() + "\n" + "\n".join(f"expected {e:30} got {o:40} {t}" for t, e, o in report.errors) + "\n"
    )
    print(report.summary())
    record_property("holdout", report.summary())
    assert report.accuracy >= MIN_ACCURACY, f"{report.summary()} (see {REPORT})"
    assert report.rejection >= MIN_REJECTION, f"{report.summary()} (see {REPORT})"


def test_follow_up_holdout_is_never_trained_on():
    items = evaluate_holdout.load_follow_up_holdout()
    assert len(items) >= 40
    training = _training_texts()
    assert [i["text"] for i in items if normalise(i["text"]) in training] == []


def test_follow_up_intents_and_entities(trained_model):
    report = evaluate_holdout.evaluate_follow_ups(trained_model)
    print(report.summary())
    with REPORT.open("a") as out:
        out.write(report.summary() + "\n" + "\n".join(f"expected {e:50} got {g:50} {t}" for t, e, g in report.errors) + "\n")
    assert report.intent_correct / report.total >= MIN_FOLLOW_UP_INTENT, report.summary()
    assert report.entities_correct / report.total >= MIN_FOLLOW_UP_ENTITIES, report.summary()
