"""The benchmark's report: machine facts, plots, and the Markdown of bench/results/latest.md."""

import datetime
import os
import platform
from pathlib import Path
from typing import Dict, List

from bench.speed import SCALE_OUT

OWN_WORDS = ("user_post", "reader_question")  # the askers' own words (tests/real/README.md)


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


def pct(x: float) -> str:
    return "-" if x != x else f"{x:.0%}"  # NaN: no message of that kind


def real_question_lines(real) -> List[str]:
    """The headline: real people's messages (tests/real/), scored as tests/real/README.md says."""
    messages = next(iter(real.values())).figures()["messages"]
    lines = [
        f"## Real questions ({messages} messages people posted in public, tests/real/)",
        "",
        "Right: the right entry's answer (soft: or a near-duplicate's; strict in brackets). "
        'Offered: right, or among the "Did you mean" buttons. Declined: off-topic messages '
        "answered with no entry. Confidently wrong: an answer to another question, or to an "
        "off-topic one, as a share of all messages.",
        "",
        "| system | right (strict) | right or offered | off-topic declined | confidently wrong | "
        "right, over 120 characters | right, askers' own posts |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, score in real.items():
        f = score.figures()
        length = score.by(lambda q: q.length)
        own = score.figures([o for o in score.outcomes if o.question.source_kind in OWN_WORDS])
        lines.append(
            f"| {name} | {pct(f['soft'])} ({pct(f['strict'])}) | {pct(f['offered'])} | "
            f"{pct(f['declined'])} | {pct(f['wrong'])} | "
            f"{pct(length.get('over 120', {}).get('soft', float('nan')))} | {pct(own['soft'])} |"
        )
    for split, key in (("length", lambda q: q.length), ("source", lambda q: q.source_kind)):
        lines += ["", f"By {split}, right / offered / declined / wrong:", ""]
        groups = sorted({key(o.question) for s in real.values() for o in s.outcomes})
        lines += ["| system | " + " | ".join(groups) + " |", "|---|" + "---|" * len(groups)]
        for name, score in real.items():
            by = score.by(key)
            cells = [
                "/".join(pct(by[g][k]) for k in ("soft", "offered", "declined", "wrong"))
                if g in by
                else "-"
                for g in groups
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    ours = real.get("Pathfinder")
    if ours:
        lines += ["", "Pathfinder's misses (what came back):", ""]
        lines += [
            f'- {o.kind}: `{o.reply}` for "{o.question.utterance[:140]}"' for o in ours.misses()
        ]
    return lines + [""]


def report(info, real, accuracy, training, speeds, images) -> str:
    lines = [
        "# Pathfinder benchmark",
        "",
        f"{info['date']} · {info['cpus']} CPUs ({info['cpu']}) · Python {info['python']} · Rasa "
        f"{info['rasa']}",
        "",
        *real_question_lines(real),
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
    if not speeds:
        return "\n".join(lines + [""])
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
