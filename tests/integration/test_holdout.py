"""NLU hold-outs (tests/nlu/): messages written apart from the training data, scored as the user
would see them. (That none of them is trained on: tests/unit/test_leaks.py.)"""

from bench import holdout
from core.settings import PROJECT_ROOT as ROOT

MIN_ACCURACY = 0.90
MIN_REJECTION = 0.90
# Follow-ups ("what about PMO?", "which one pays more?"): intent, and every entity exactly right.
MIN_FOLLOW_UP_INTENT = 0.80
MIN_FOLLOW_UP_ENTITIES = 0.95
REPORT = ROOT / "results" / "holdout.txt"


def test_holdout_is_big_enough(kb):
    items = holdout.load_holdout()
    out_of_scope = [i for i in items if i["expect"] == "out_of_scope"]
    assert len(items) >= 200 and len(out_of_scope) >= 40
    assert {i["expect"] for i in items} - {"out_of_scope"} <= {e.id for e in kb.entries}
    assert len(holdout.load_follow_up_holdout()) >= 40


def test_holdout_accuracy_and_out_of_scope_rejection(trained_model, record_property):
    report = holdout.evaluate(trained_model)
    REPORT.parent.mkdir(exist_ok=True)
    misses = "\n".join(f"expected {e:30} got {o:40} {t}" for t, e, o in report.errors)
    REPORT.write_text(report.summary() + "\n" + misses + "\n")
    print(report.summary())
    record_property("holdout", report.summary())
    assert report.accuracy >= MIN_ACCURACY, f"{report.summary()} (see {REPORT})"
    assert report.rejection >= MIN_REJECTION, f"{report.summary()} (see {REPORT})"


def test_follow_up_intents_and_entities(trained_model):
    report = holdout.evaluate_follow_ups(trained_model)
    print(report.summary())
    with REPORT.open("a") as out:
        misses = "\n".join(f"expected {e:50} got {g:50} {t}" for t, e, g in report.errors)
        out.write(report.summary() + "\n" + misses + "\n")
    assert report.intent_correct / report.total >= MIN_FOLLOW_UP_INTENT, report.summary()
    assert report.entities_correct / report.total >= MIN_FOLLOW_UP_ENTITIES, report.summary()
