"""The scale-out topology (scripts/scaleout.sh): PostgreSQL, Redis, an action server and two Rasa
servers behind nginx's round robin, under 50 concurrent ten-turn conversations.

Checks that every message is answered, that every conversation is in PostgreSQL whole and in order,
and that context (role, topic) carries over when the next message of a conversation lands on the
other replica. Prints the load figures (and writes them to results/scaleout.txt); asserts no
timings.
"""

import glob
import json
import os
import shlex
import shutil
import socket
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import quantiles

import pytest
import requests

from core.settings import PROJECT_ROOT as ROOT
from tests.support.conversations import COMPARED, SCRIPTS
from tests.support.servers import RunningScaleOut, ScaleOutUnavailable, listening_pid

CONVERSATIONS_PER_SCRIPT = 10


@pytest.fixture(scope="module")
def scaleout(tmp_path_factory):
    try:
        # Every test client is 127.0.0.1, one address: at 50 a second (the default) a fast run of
        # the load test got 429s. The per-sender limit, which test_nginx_limits_each_sender checks,
        # stays the default.
        running = RunningScaleOut(
            tmp_path_factory.mktemp("scaleout"), env={"RATE_PER_ADDRESS": "400"}
        )
    except (
        ScaleOutUnavailable
    ) as missing:  # PostgreSQL, Redis or nginx missing and apt-get could not install it
        pytest.skip(str(missing))
    yield running
    # Ctrl-C stops all seven processes: the script exits 0 and every port is free again.
    assert running.stop() == 0, running.log.read_text()[-3000:]
    for port in running.ports():
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after Ctrl-C"


def converse(url, script_name, sender):
    """One conversation, turn after turn; a record per message (never raises)."""
    records = []
    with requests.Session() as session:
        for turn, (text, expected) in enumerate(SCRIPTS[script_name]):
            record = {
                "script": script_name,
                "sender": sender,
                "turn": turn,
                "text": text,
                "expected": expected,
            }
            started = time.monotonic()
            try:
                response = session.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": text},
                    headers={"X-Sender-Id": sender},
                    timeout=90,
                )
                record.update(
                    status=response.status_code, upstream=response.headers.get("X-Upstream")
                )
                record["messages"] = response.json() if response.ok else None
            except Exception as error:  # counted as an error, reported below
                record.update(status=None, error=repr(error))
            record["seconds"] = time.monotonic() - started
            records.append(record)
    return records


def problems_with(record, previous):
    """What is wrong with one reply: nothing, or a list of reasons."""
    if record.get("status") != 200:
        return [f"status {record.get('status')} {record.get('error', '')}"]
    messages = record["messages"]
    if not messages or "custom" not in messages[-1]:
        return [f"no reply ending with a custom marker: {messages}"]
    got, (kind, faq_id, role, topic) = messages[-1]["custom"], record["expected"]
    wrong = [
        f"{key} {got.get(key)!r}, expected {value!r}"
        for key, value in (("type", kind), ("faq_id", faq_id), ("role", role), ("topic", topic))
        if value is not None and got.get(key) != value
    ]
    if kind == "comparison" and got.get("roles") != COMPARED[record["script"]]:
        wrong.append(f"compared {got.get('roles')}")
    if not any(m.get("text") for m in messages):
        wrong.append("no text")
    return [
        f"{record['script']} turn {record['turn']} ({record['text']!r}, after {previous}): {w}"
        for w in wrong
    ]


@pytest.fixture(scope="module")
def load(scaleout):
    """50 conversations of 10 turns at once through nginx; all the records and the wall time."""
    jobs = [
        (name, f"load-{i}-{uuid.uuid4().hex[:8]}")
        for name in SCRIPTS
        for i in range(CONVERSATIONS_PER_SCRIPT)
    ]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        conversations = list(pool.map(lambda job: converse(scaleout.url, *job), jobs))
    return conversations, time.monotonic() - started


def test_every_message_is_answered_in_context_by_either_replica(scaleout, load):
    conversations, wall = load
    records = [r for conversation in conversations for r in conversation]
    problems, switched, switched_follow_ups = [], 0, 0
    for conversation in conversations:
        previous = None
        for record in conversation:
            problems += problems_with(record, previous and previous.get("upstream"))
            if (
                previous
                and record.get("upstream")
                and record.get("upstream") != previous.get("upstream")
            ):
                switched += 1
                switched_follow_ups += record["turn"] > 0
            previous = record
    latencies = sorted(r["seconds"] for r in records if r.get("status") == 200)
    p50, p95 = (
        (quantiles(latencies, n=100)[i] for i in (49, 94))
        if len(latencies) > 1
        else (float("nan"),) * 2
    )
    by_replica = {
        port: sum(r.get("upstream") == f"127.0.0.1:{port}" for r in records)
        for port in scaleout.rasa_ports
    }
    errors = sum(r.get("status") != 200 for r in records)
    figures = (
        f"scale-out load: {len(conversations)} conversations x {len(SCRIPTS[next(iter(SCRIPTS))])} "
        "turns, "
        f"{len(records)} messages in {wall:.1f}s ({len(records) / wall:.1f}/s), {errors} errors, "
        f"latency p50 {p50 * 1000:.0f} ms p95 {p95 * 1000:.0f} ms max {latencies[-1] * 1000:.0f} "
        "ms, "
        f"per replica {list(by_replica.values())}, {switched} follow-ups answered by the other "
        "replica, "
        f"{len(problems)} wrong replies"
    )
    print("\n" + figures)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "scaleout.txt").write_text(figures + "\n")

    assert errors == 0 and not problems, "\n".join(problems[:20])
    # Round robin really spread each conversation over both replicas, so the checks above mean
    # something.
    assert all(count >= len(records) // 4 for count in by_replica.values()), by_replica
    assert switched_follow_ups >= len(records) // 4, switched


def test_every_conversation_is_in_postgres_whole_and_in_order(scaleout, load):
    psycopg2 = pytest.importorskip("psycopg2")
    conversations, _ = load
    db = psycopg2.connect(
        host="127.0.0.1",
        port=scaleout.db_port,
        dbname="pathfinder",
        user="pathfinder",
        password=scaleout.db_password,
    )
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT sender_id, id, timestamp, type_name, data FROM events WHERE sender_id LIKE "
                "'load-%' ORDER BY sender_id, id"
            )
            rows = cursor.fetchall()
    finally:
        db.close()
    events = {}
    for sender, row_id, timestamp, type_name, data in rows:
        events.setdefault(sender, []).append((row_id, timestamp, type_name, data))
    assert len(events) == len(conversations)
    for conversation in conversations:
        sender = conversation[0]["sender"]
        stored = events[sender]
        timestamps = [timestamp for _, timestamp, _, _ in stored]
        assert timestamps == sorted(timestamps), f"{sender}: events stored out of order"
        said = [json.loads(data)["text"] for _, _, type_name, data in stored if type_name == "user"]
        assert said == [record["text"] for record in conversation], sender
        # Every user message is followed by the assistant's answer before the next one (the lock
        # held).
        kinds = [type_name for _, _, type_name, _ in stored if type_name in ("user", "bot")]
        for i, kind in enumerate(kinds):
            if kind == "user" and i + 1 < len(kinds):
                assert (
                    kinds[i + 1] == "bot"
                ), f"{sender}: two user messages without an answer between"


def test_the_lock_store_is_redis(scaleout, load):
    redis = pytest.importorskip("redis")
    client = redis.Redis(
        host="127.0.0.1", port=scaleout.redis_port, password=scaleout.redis_password, db=1
    )  # Rasa's default db
    conversations, _ = load
    messages = sum(len(c) for c in conversations)
    # Each message takes, refreshes and releases its conversation's lock: several commands per
    # message.
    assert client.info("stats")["total_commands_processed"] >= 2 * messages
    assert client.dbsize() == 0  # every lock released


# ---- PostgreSQL and Redis restarted under load ----
RESTART_TURNS = [
    "How much does a project manager earn?",
    "what about programme managers?",
    "is it stressful?",
    "why?",
]
RESTART_CONVERSATIONS = (
    16  # each at most 2 messages a second (nginx's per-sender limit): about 30 a second in all
)


def keep_talking(url, sender, stop, records):
    """One conversation, a message about every 0.55 s until `stop`; a record per message (never
    raises)."""
    with requests.Session() as session:
        n = 0
        while not stop.is_set():
            record = {
                "sender": sender,
                "n": n,
                "text": RESTART_TURNS[n % len(RESTART_TURNS)],
                "sent": time.monotonic(),
            }
            try:
                response = session.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": record["text"], "metadata": {"n": n}},
                    headers={"X-Sender-Id": sender},
                    timeout=30,
                )
                record["status"] = response.status_code
                record["messages"] = (
                    response.json()
                    if response.headers.get("Content-Type", "").startswith("application/json")
                    else response.text
                )
            except Exception as error:
                record.update(status=None, error=repr(error))
            record["done"] = time.monotonic()
            records.append(record)
            n += 1
            stop.wait(max(0.0, 0.55 - (record["done"] - record["sent"])))


def answers_again(port, seconds=30):
    """Seconds until the Rasa server on `port` answers a message with a reply (asked directly, not
    via nginx)."""
    started, sender = time.monotonic(), f"probe-{port}-{uuid.uuid4().hex[:6]}"
    while time.monotonic() - started < seconds:
        try:
            response = requests.post(
                f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                json={"sender": sender, "message": "How much does a project manager earn?"},
                timeout=10,
            )
            if response.status_code == 200 and response.json() and "custom" in response.json()[-1]:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(
        f"the Rasa server on {port} did not answer within {seconds}s of the store being back"
    )


def connect_db(scaleout):
    psycopg2 = pytest.importorskip("psycopg2")
    return psycopg2.connect(
        host="127.0.0.1",
        port=scaleout.db_port,
        dbname="pathfinder",
        user="pathfinder",
        password=scaleout.db_password,
        connect_timeout=5,
    )


def restart_postgres(scaleout, down_for=1.0):
    """`pg_ctl stop -m fast` on the script's own cluster (as its owner), `down_for` seconds with no
    database, then `pg_ctl start` with the options it ran with; returns when it accepts connections
    again."""
    db = connect_db(scaleout)
    try:
        with db.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            data = Path(cursor.fetchone()[0])
    finally:
        db.close()
    options = shlex.split((data / "postmaster.opts").read_text())[
        1:
    ]  # postgres "-D" "<data>" "-c" ...
    options = [o for i, o in enumerate(options) if o != "-D" and (i == 0 or options[i - 1] != "-D")]
    pg_ctl = (sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")) or [shutil.which("pg_ctl")])[-1]
    owner = data.stat()
    run_as = (
        ["setpriv", f"--reuid={owner.st_uid}", f"--regid={owner.st_gid}", "--init-groups", "--"]
        if os.geteuid() != owner.st_uid
        else []
    )
    with (scaleout.state / "logs" / "postgres.log").open(
        "a"
    ) as log:  # the server writes on to the script's log
        subprocess.run(
            [*run_as, pg_ctl, "stop", "-D", str(data), "-m", "fast", "-w"],
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=60,
        )
        time.sleep(down_for)
        subprocess.run(
            [
                *run_as,
                pg_ctl,
                "start",
                "-D",
                str(data),
                "-w",
                "-t",
                "60",
                "-o",
                " ".join(map(shlex.quote, options)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=90,
        )


def restart_redis(scaleout, down_for=1.0):
    """SHUTDOWN, `down_for` seconds with no Redis (a restart takes a moment), then the script's
    configuration again."""
    redis = pytest.importorskip("redis")
    redis.Redis(
        host="127.0.0.1", port=scaleout.redis_port, password=scaleout.redis_password
    ).shutdown(nosave=True)
    time.sleep(down_for)
    # Not our child for long: the script stops it by its pid file when it exits.
    subprocess.Popen(
        ["redis-server", str(scaleout.state / "redis" / "redis.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    client = redis.Redis(
        host="127.0.0.1", port=scaleout.redis_port, password=scaleout.redis_password
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def outage_under_load(scaleout, name, restart):
    """Conversations through nginx; `restart` in the middle; how long the store was gone, what
    failed, recovery."""
    stop, records = threading.Event(), []
    senders = [f"{name}-{i}-{uuid.uuid4().hex[:6]}" for i in range(RESTART_CONVERSATIONS)]
    threads = [
        threading.Thread(target=keep_talking, args=(scaleout.url, sender, stop, records))
        for sender in senders
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        started = time.monotonic()
        restart(scaleout)
        back = time.monotonic()
        recovery = max(answers_again(port) for port in scaleout.rasa_ports)
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    failed = [r for r in records if r.get("status") != 200]
    return {
        "name": name,
        "records": records,
        "senders": senders,
        "outage": back - started,
        "recovery": recovery,
        "failed": failed,
        "during": [r for r in records if started <= r["sent"] <= back + recovery],
        "last_failure": max((r["done"] - back for r in failed), default=None),
    }


def test_postgres_and_redis_restarted_under_load_nothing_acknowledged_is_lost(scaleout, load):
    pids = {port: listening_pid(port) for port in scaleout.rasa_ports}
    outages = [
        outage_under_load(scaleout, "pg-restart", restart_postgres),
        outage_under_load(scaleout, "redis-restart", restart_redis),
    ]
    # (1) The same Rasa servers answer again, within seconds of the store being back.
    assert {port: listening_pid(port) for port in scaleout.rasa_ports} == pids
    lines = []
    for outage in outages:
        records, failed = outage["records"], outage["failed"]
        lines.append(
            f"{outage['name']}: {len(records)} messages from {RESTART_CONVERSATIONS} "
            "conversations, store gone for "
            f"{outage['outage']:.1f}s, {len(outage['during'])} sent in that time of which "
            f"{len(failed)} failed (503), "
            f"both servers answering {outage['recovery']:.2f}s after it was back, last failure "
            + (
                "none"
                if outage["last_failure"] is None
                else f"{outage['last_failure']:+.2f}s from it being back"
            )
        )
        assert outage["recovery"] < 10, lines[-1]
        # (3) A message that was not handled gets a clear 503 with a polite reply; never a 500,
        # silence or a hang.
        for record in failed:
            assert record.get("status") == 503, record
            assert (
                record["messages"][-1]["custom"] == {"type": "retry"}
                and "send it again" in record["messages"][0]["text"]
            ), record
        for record in records:
            if record.get("status") == 200:
                assert (
                    record["messages"]
                    and "custom" in record["messages"][-1]
                    and record["messages"][-1]["custom"]["type"] != "retry"
                ), record
    print("\n" + "\n".join(lines))
    with (ROOT / "results" / "scaleout.txt").open("a") as report:
        report.write("\n".join(lines) + "\n")

    # (2) Every acknowledged message is in PostgreSQL, in the order sent, with its whole reply after
    # it.
    db = connect_db(scaleout)
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT sender_id, type_name, data FROM events WHERE sender_id LIKE 'pg-restart-%' "
                "OR sender_id LIKE 'redis-restart-%' ORDER BY id"
            )
            rows = cursor.fetchall()
    finally:
        db.close()
    stored = {}  # sender -> [(n, [bot texts])]
    for sender, type_name, data in rows:
        event = json.loads(data)
        if type_name == "user":
            stored.setdefault(sender, []).append(((event.get("metadata") or {}).get("n"), []))
        elif type_name == "bot" and sender in stored and event.get("text"):
            stored[sender][-1][1].append(event["text"])
    for outage in outages:
        for sender in outage["senders"]:
            turns = stored.get(sender, [])
            numbers = [n for n, _ in turns]
            assert numbers == sorted(
                set(numbers)
            ), f"{sender}: stored out of order or twice: {numbers}"
            assert all(
                texts for _, texts in turns
            ), f"{sender}: a message stored without its answer"
            replies = dict(turns)
            for record in outage["records"]:
                if record["sender"] == sender and record.get("status") == 200:
                    assert (
                        record["n"] in replies
                    ), f"{sender}: message {record['n']} was answered but is not in PostgreSQL"
                    assert replies[record["n"]] == [
                        m["text"] for m in record["messages"] if m.get("text")
                    ], record


def test_nginx_limits_each_sender(scaleout):
    def burst(sender, n):
        return [
            requests.get(scaleout.url, headers={"X-Sender-Id": sender}, timeout=10).status_code
            for _ in range(n)
        ]

    statuses = burst("flood", 25)
    assert statuses[:5] == [200] * 5 and statuses.count(429) >= 5, statuses
    assert (
        burst("someone-else", 3) == [200] * 3
    )  # another sender on the same address is not held back
