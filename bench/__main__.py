"""`make bench`: how right and how fast Pathfinder is, against the obvious alternatives, in one run.

    python -m bench            full run, writes bench/results/latest.md and PNG plots
    python -m bench --quick    a tiny sample of every step (what `make test` runs, so this
                               cannot rot); writes results/bench-smoke/, asserts no timings

Understanding is scored on the NLU hold-out set with the assistant's own decision rule
(bench/holdout.py) for: our model, a TF-IDF nearest-question baseline, and Rasa's default
configuration (no pipeline/policies given) trained on the same data in this run. Speed is measured
over HTTP on the REST channel with the action server: with the SQLite tracker store (`make run`),
and for our model also in the scale-out topology (scripts/scaleout.sh: nginx, two Rasa servers,
PostgreSQL tracker store, Redis lock store), with nginx's rate limits raised out of the way.
"""

import argparse
import asyncio
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from actions.understanding import ANSWER, FALLBACK, Decision
from bench.baselines import TfidfNearestQuestion
from bench.holdout import load_holdout, parse_all, score, tally, training_examples
from core.settings import PROJECT_ROOT as ROOT
from tests.support.servers import RunningAssistant, RunningScaleOut, ScaleOutUnavailable

VENV_BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "pathfinder.tar.gz"
TRAINING_DATA = ["data/nlu", "data/rules", "data/generated"]  # as the Makefile's
DEFAULT_CONFIG = "recipe: default.v1\nassistant_id: pathfinder_default\nlanguage: en\n"


# ---------------------------------------------------------------- helpers
def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


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


async def _send(
    session, url: str, sender: str, text: str, latencies: List[float], errors: List[str]
) -> None:
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json()
            if response.status != 200 or not body:
                errors.append(f"{response.status}: {body!r:.80}")
    except Exception as error:  # noqa: BLE001 - every failure counts as an error in the figures
        errors.append(repr(error))
    latencies.append((time.perf_counter() - start) * 1000)


async def sequential(url: str, texts: Sequence[str]) -> Dict[str, object]:
    import aiohttp

    latencies, errors = [], []
    async with aiohttp.ClientSession() as session:
        for i, text in enumerate(texts):
            await _send(session, url, f"seq-{i}", text, latencies, errors)
    return {"latencies": latencies, "errors": errors}


async def concurrent(
    url: str, texts: Sequence[str], conversations: int, turns: int
) -> Dict[str, float]:
    """`conversations` users at once, each sending `turns` messages one after another."""
    import aiohttp

    latencies, errors = [], []
    connector = aiohttp.TCPConnector(limit=conversations)

    async def user(n: int, session) -> None:
        sender = f"conc-{conversations}-{n}-{uuid.uuid4().hex[:4]}"
        for t in range(turns):
            await _send(
                session, url, sender, texts[(n * turns + t) % len(texts)], latencies, errors
            )

    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(user(n, session) for n in range(conversations)))
        elapsed = time.perf_counter() - start
    return {
        "conversations": conversations,
        "messages": len(latencies),
        "errors": len(errors),
        "throughput": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
    }


async def growth(
    url: str, texts: Sequence[str], checkpoints: Sequence[int], window: int = 5
) -> Dict[int, float]:
    """Median reply time of `window` messages ending at each checkpoint turn of one conversation."""
    import aiohttp

    latencies, errors, result = [], [], {}
    sender = f"long-{uuid.uuid4().hex[:6]}"
    async with aiohttp.ClientSession() as session:
        for turn in range(1, max(checkpoints) + 1):
            await _send(session, url, sender, texts[turn % len(texts)], latencies, errors)
            if turn in checkpoints:
                result[turn] = statistics.median(latencies[-window:])
    return result


SCALE_OUT = "Pathfinder, scale-out"
# The load comes from one address and sends faster than a person: the limits that protect production
# (scripts/scaleout.sh: 50 r/s per address, 2 r/s per conversation) would measure nginx, not the
# servers.
UNLIMITED = {"RATE_PER_ADDRESS": "100000", "RATE_PER_SENDER": "100000"}


def start_servers(name: str, model: Path, tmp: Path):
    tmp.mkdir(parents=True, exist_ok=True)
    if name == SCALE_OUT:
        return RunningScaleOut(tmp, env={"MODEL": str(model), **UNLIMITED})
    return RunningAssistant(tmp, model=model)


def measure_speed(servers, texts: Sequence[str], quick: bool) -> Dict[str, object]:
    url = servers.webhook
    try:
        asyncio.run(sequential(url, texts[:10]))  # warm-up
        seq = asyncio.run(sequential(url, texts[: 10 if quick else 300]))
        levels = [1, 4] if quick else [1, 8, 32]
        conc = [asyncio.run(concurrent(url, texts, c, 3 if quick else 20)) for c in levels]
        memory = servers.memory()
        grow = asyncio.run(growth(url, texts, [5, 10] if quick else [5, 50, 200]))
    finally:
        servers.stop()
    lat = seq["latencies"]
    return {
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "p99": percentile(lat, 99),
        "errors": len(seq["errors"]),
        "latencies": lat,
        "concurrency": conc,
        "growth": grow,
        **memory,
    }


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


def accuracy_of_tfidf() -> Dict[str, float]:
    """The TF-IDF baseline answers its nearest entry or nothing; scored like our decisions."""
    pairs = training_examples()
    baseline = TfidfNearestQuestion().fit([t for t, _ in pairs], [i for _, i in pairs])
    items = load_holdout()
    answers = baseline.answers([i["text"] for i in items])
    decisions = [Decision(ANSWER, faq_id=a) if a else Decision(FALLBACK) for a in answers]
    return figures(tally(items, decisions))


# ---------------------------------------------------------------- report
def machine() -> Dict[str, str]:
    import rasa

    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpus": str(os.cpu_count()),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "?",
        ),
        "python": platform.python_version(),
        "rasa": rasa.__version__,
    }


def plots(out: Path, speeds: Dict[str, Dict[str, object]]) -> List[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    slowest = max(max(speed["latencies"]) for speed in speeds.values())
    bins = [slowest * i / 60 for i in range(61)]  # the same bins for every system, so bars compare
    for name, speed in speeds.items():
        ax.hist(speed["latencies"], bins=bins, alpha=0.6, label=name)
    ax.set_xlabel("reply time, ms (sequential, REST, with action server)")
    ax.set_ylabel("messages")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, speed in speeds.items():
        levels = speed["concurrency"]
        ax.plot(
            [c["conversations"] for c in levels],
            [c["throughput"] for c in levels],
            marker="o",
            label=name,
        )
    ax.set_xlabel("concurrent conversations")
    ax.set_ylabel("messages per second")
    ax.set_xscale("log", base=2)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "throughput.png", dpi=100)
    plt.close(fig)
    return ["latency.png", "throughput.png"]


def report(info, accuracy, training, speeds, images) -> str:
    pct = lambda x: f"{x:.1%}"  # noqa: E731
    lines = [
        "# Pathfinder benchmark",
        "",
        f"{info['date']} · {info['cpus']} CPUs ({info['cpu']}) · Python {info['python']} · Rasa "
        f"{info['rasa']}",
        "",
        "## Understanding (NLU hold-out set, tests/nlu/holdout.yml)",
        "",
        "| system | answered correctly | wrong answers | out of scope rejected |",
        "|---|---|---|---|",
    ]
    for name, a in accuracy.items():
        lines.append(f"| {name} | {pct(a['accuracy'])} | {a['wrong']} | {pct(a['rejection'])} |")
    lines += ["", "## Training", "", "| system | training time | model size |", "|---|---|---|"]
    for name, t in training.items():
        lines.append(f"| {name} | {t['train_s']:.0f} s | {t['size_mb']:.1f} MB |")
    lines += [
        "",
        "## Speed over HTTP (REST channel, action server)",
        "",
        "Pathfinder and Rasa default config: one Rasa server, SQLite tracker store (what `make "
        "run` starts). "
        f"{SCALE_OUT}: nginx, two Rasa servers, PostgreSQL tracker store, Redis lock store "
        f"(scripts/scaleout.sh, rate limits raised); its RSS is the larger Rasa server's.",
        "",
        "| system | p50 | p95 | p99 | errors | Rasa server RSS | action server RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in speeds.items():
        lines.append(
            f"| {name} | {s['p50']:.1f} ms | {s['p95']:.1f} ms | {s['p99']:.1f} ms | {s['errors']} "
            "| "
            f"{s['rasa_rss_mb']:.0f} MB | {s['action_rss_mb']:.0f} MB |"
        )
    lines += [
        "",
        "| system | concurrent conversations | messages | errors | messages/s | p50 | p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in speeds.items():
        for c in s["concurrency"]:
            lines.append(
                f"| {name} | {c['conversations']} | {c['messages']} | {c['errors']} | "
                f"{c['throughput']:.1f} | "
                f"{c['p50']:.1f} ms | {c['p95']:.1f} ms |"
            )
    lines += [
        "",
        "Reply time as one conversation grows (median of the 5 messages up to that turn):",
        "",
        "| system | "
        + " | ".join(f"turn {t}" for t in next(iter(speeds.values()))["growth"])
        + " |",
        "|---|" + "---|" * len(next(iter(speeds.values()))["growth"]),
    ]
    for name, s in speeds.items():
        lines.append(
            f"| {name} | " + " | ".join(f"{v:.1f} ms" for v in s["growth"].values()) + " |"
        )
    lines += [""] + [f"![{i}]({i})" for i in images] + [""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sample of every step; no timings asserted"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or (
        ROOT / "results" / "bench-smoke" if args.quick else ROOT / "bench" / "results"
    )
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="pathfinder-bench-"))
    texts = [i["text"] for i in load_holdout() if i["expect"] != "out_of_scope"]
    try:
        info = machine()
        print(f"machine: {info}", flush=True)
        models, training = {"Pathfinder": MODEL}, {}
        if not args.quick:
            print("training Pathfinder from scratch...", flush=True)
            training["Pathfinder"] = train(None, tmp / "ours")
            models["Pathfinder"] = training["Pathfinder"]["model"]
            print("training Rasa's default configuration...", flush=True)
            training["Rasa default config"] = train(DEFAULT_CONFIG, tmp / "default")
            models["Rasa default config"] = training["Rasa default config"]["model"]
        else:
            training["Pathfinder"] = {
                "train_s": float("nan"),
                "size_mb": MODEL.stat().st_size / 1e6,
            }

        accuracy_by_system = {"TF-IDF nearest question": accuracy_of_tfidf()}
        for name, model in models.items():
            print(f"scoring {name} on the hold-out set...", flush=True)
            accuracy_by_system[name] = accuracy_of_model(model)
        speeds = {}
        for name, model in [*models.items(), (SCALE_OUT, models["Pathfinder"])]:
            print(f"measuring {name} over HTTP...", flush=True)
            try:
                servers = start_servers(name, model, tmp / name.replace(" ", "_").replace(",", ""))
            except ScaleOutUnavailable as missing:
                print(f"skipped {name}: {missing}", flush=True)
                continue
            speeds[name] = measure_speed(servers, texts, args.quick)
        images = plots(out, speeds)
        text = report(info, accuracy_by_system, training, speeds, images)
        (out / ("latest.md")).write_text(text)
        print(text)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
