"""Speed over HTTP (REST channel, action server): sequential reply times, concurrent
conversations, memory, and reply time as one conversation grows. Servers are started the way users
start them (tests/support/servers.py)."""

import asyncio
import statistics
import time
import uuid
from pathlib import Path
from typing import Dict, List, Sequence

from tests.support.servers import RunningAssistant, RunningScaleOut


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


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
