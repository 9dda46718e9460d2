"""`make bench`: how right and how fast Pathfinder is, against the obvious alternatives, in one run.

    python -m bench            full run, writes bench/results/latest.md and PNG plots
    python -m bench --quick    a tiny sample of every step (what `make test` runs, so this
                               cannot rot); writes results/bench-smoke/, asserts no timings

Understanding is scored first on real people's messages (tests/real/, through the REST channel as
tests/real/README.md says; bench/real_questions.py), then on our NLU hold-out set with the
assistant's own decision rule (bench/holdout.py), for: our model, the pipeline before the sentence
encoder (bench/previous_config.yml), Rasa's default configuration (no pipeline/policies given), all
trained on the same data in this run, and a TF-IDF nearest-question baseline answered through the
same answer action. Speed is measured
over HTTP on the REST channel with the action server: with the SQLite tracker store (`make run`),
and for our model also in the scale-out topology (scripts/scaleout.sh: nginx, two Rasa servers,
PostgreSQL tracker store, Redis lock store), with nginx's rate limits raised out of the way.
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Optional

from actions.understanding import ANSWER, FALLBACK, Decision
from bench import real_questions
from bench.baselines import TfidfNearestQuestion
from bench.holdout import load_holdout, parse_all, score, tally, training_examples
from bench.report import machine, plots, report
from bench.speed import SCALE_OUT, measure_speed, start_servers
from core.knowledge import load_knowledge_base
from core.settings import PROJECT_ROOT as ROOT
from core.settings import load_settings
from tests.support.servers import ScaleOutUnavailable

VENV_BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "pathfinder.tar.gz"
TRAINING_DATA = ["data/nlu", "data/rules", "data/generated"]  # as the Makefile's
DEFAULT_CONFIG = "recipe: default.v1\nassistant_id: pathfinder_default\nlanguage: en\n"
PREVIOUS_CONFIG = (ROOT / "bench" / "previous_config.yml").read_text()
PREVIOUS = "Pathfinder before the encoder"
DEFAULT = "Rasa default config"
TFIDF = "TF-IDF nearest question"
QUICK_REAL_QUESTIONS = 12  # the smoke run's sample of real questions


def train(config_text: Optional[str], out_dir: Path) -> Dict[str, float]:
    """Trains a model from scratch (empty cache) and returns its wall time and size."""
    out_dir.mkdir(parents=True, exist_ok=True)
    config = ROOT / "config.yml"
    if config_text is not None:
        config = out_dir / "config.yml"
        config.write_text(config_text)
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(out_dir / "cache"))
    start = time.monotonic()
    subprocess.run(
        [
            str(VENV_BIN / "rasa"),
            "train",
            "--config",
            str(config),
            "--domain",
            "domain",
            "--data",
            *TRAINING_DATA,
            "--out",
            str(out_dir),
            "--fixed-model-name",
            "model",
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - start
    model = out_dir / "model.tar.gz"
    return {"model": model, "train_s": seconds, "size_mb": model.stat().st_size / 1e6}


# ---------------------------------------------------------------- accuracy
def figures(scored) -> Dict[str, float]:
    return {
        "accuracy": scored.accuracy,
        "rejection": scored.rejection,
        "wrong": scored.wrong_answers,
    }


def accuracy_of_model(model: Path) -> Dict[str, float]:
    items = load_holdout()
    return figures(score(items, asyncio.run(parse_all(model, [i["text"] for i in items]))))


def accuracy_of_tfidf(baseline) -> Dict[str, float]:
    """The TF-IDF baseline answers its nearest entry or nothing; scored like our decisions."""
    items = load_holdout()
    answers = baseline.answers([i["text"] for i in items])
    decisions = [Decision(ANSWER, faq_id=a) if a else Decision(FALLBACK) for a in answers]
    return figures(tally(items, decisions))


def tfidf_baseline() -> TfidfNearestQuestion:
    pairs = training_examples()
    return TfidfNearestQuestion().fit([t for t, _ in pairs], [i for _, i in pairs])


def real_questions_of_tfidf(baseline, questions) -> real_questions.Score:
    kb = load_knowledge_base(ROOT / "data" / "knowledge")
    texts = [q.utterance for q in questions]
    intents = [f"faq_{a}" if a else "" for a in baseline.answers(texts)]
    replies = real_questions.replies_to_intents(kb, load_settings({}), texts, intents)
    return real_questions.score(kb, questions, replies)


def real_questions_over_http(servers, questions) -> real_questions.Score:
    kb = load_knowledge_base(ROOT / "data" / "knowledge")
    replies = asyncio.run(real_questions.ask_all(servers.webhook, questions))
    return real_questions.score(kb, questions, replies)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sample of every step; no timings asserted"
    )
    parser.add_argument(
        "--no-speed", action="store_true", help="understanding only: no speed or memory figures"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or (
        ROOT / "results" / "bench-smoke" if args.quick else ROOT / "bench" / "results"
    )
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="pathfinder-bench-"))
    texts = [i["text"] for i in load_holdout() if i["expect"] != "out_of_scope"]
    questions = real_questions.load()
    if args.quick:
        questions = questions[:: len(questions) // QUICK_REAL_QUESTIONS][:QUICK_REAL_QUESTIONS]
    try:
        info = machine()
        print(f"machine: {info}", flush=True)
        models, training = {"Pathfinder": MODEL}, {}
        if not args.quick:
            print("training Pathfinder from scratch...", flush=True)
            training["Pathfinder"] = train(None, tmp / "ours")
            models["Pathfinder"] = training["Pathfinder"]["model"]
            print("training the pipeline before the encoder...", flush=True)
            training[PREVIOUS] = train(PREVIOUS_CONFIG, tmp / "previous")
            models[PREVIOUS] = training[PREVIOUS]["model"]
            print("training Rasa's default configuration...", flush=True)
            training[DEFAULT] = train(DEFAULT_CONFIG, tmp / "default")
            models[DEFAULT] = training[DEFAULT]["model"]
        else:
            training["Pathfinder"] = {
                "train_s": float("nan"),
                "size_mb": MODEL.stat().st_size / 1e6,
            }

        baseline = tfidf_baseline()
        accuracy_by_system = {TFIDF: accuracy_of_tfidf(baseline)}
        real = {TFIDF: real_questions_of_tfidf(baseline, questions)}
        for name, model in models.items():
            print(f"scoring {name} on the hold-out set...", flush=True)
            accuracy_by_system[name] = accuracy_of_model(model)
        speeds = {}
        served = [*models.items()] + ([] if args.no_speed else [(SCALE_OUT, models["Pathfinder"])])
        for name, model in served:
            print(f"asking {name} over HTTP...", flush=True)
            try:
                servers = start_servers(name, model, tmp / name.replace(" ", "_").replace(",", ""))
            except ScaleOutUnavailable as missing:
                print(f"skipped {name}: {missing}", flush=True)
                continue
            if name != SCALE_OUT:
                real[name] = real_questions_over_http(servers, questions)
                print(f"{name}: {real[name].summary()}", flush=True)
            if args.no_speed:
                servers.stop()
            else:
                speeds[name] = measure_speed(servers, texts, args.quick)
        images = plots(out, speeds) if speeds else []
        text = report(info, real, accuracy_by_system, training, speeds, images)
        (out / ("latest.md")).write_text(text)
        print(text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
