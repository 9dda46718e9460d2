"""The scale-out topology (scripts/scaleout.sh): PostgreSQL, Redis, an action server and two Rasa servers
behind nginx's round robin, under 50 concurrent ten-turn conversations.

Checks that every message is answered, that every conversation is in PostgreSQL whole and in order, and
that context (role, topic) carries over when the next message of a conversation lands on the other
replica. Prints the load figures (and writes them to results/scaleout.txt); asserts no timings.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import quantiles

import pytest
import requests

from tests.integration.conftest import ROOT, free_port

CONVERSATIONS_PER_SCRIPT = 10
# Each turn: what the user says, then what the reply must be about: (type, faq_id, role, topic).
# Most turns only make sense with what came before; round robin sends about half of them to the other replica.
SCRIPTS = {
    "pay then stress across roles": [
        ("How much does a project manager earn?", ("faq_answer", "pm_salary", "project_manager", "salary")),
        ("what about programme managers?", ("faq_answer", "programme_manager_salary", "programme_manager", "salary")),
        ("which one pays more?", ("comparison", None, None, "salary")),
        ("is it stressful?", ("faq_answer", "programme_manager_stress", "programme_manager", "stress")),
        ("and in the UK?", ("faq_answer", "programme_manager_stress", "programme_manager", "stress")),
        ("why?", ("sources", "programme_manager_stress", "programme_manager", "stress")),
        ("and for a PMO analyst?", ("faq_answer", "pmo_stress", "pmo", "stress")),
        ("what about scrum masters?", ("faq_answer", "scrum_master_stress", "scrum_master", "stress")),
        ("tell me more", ("more", "scrum_master_stress", "scrum_master", "stress")),
        ("any articles on that?", ("articles", "scrum_master_stress", "scrum_master", "stress")),
    ],
    "the job, a degree, then pay": [
        ("What does a project manager do?", ("faq_answer", "pm_job_description", "project_manager", "job_description")),
        ("and for a PMO analyst?", ("faq_answer", "pmo_job_description", "pmo", "job_description")),
        ("same for scrum masters?", ("faq_answer", "scrum_master_job_description", "scrum_master", "job_description")),
        ("do I need a degree for that?", ("faq_answer", "scrum_master_degree", "scrum_master", "degree")),
        ("how long does that take?", ("faq_answer", "time_to_become_scrum_master", "scrum_master", "time_to_qualify")),
        ("any articles on that?", ("articles", "time_to_become_scrum_master", "scrum_master", "time_to_qualify")),
        ("how much do they earn?", ("faq_answer", "scrum_master_salary", "scrum_master", "salary")),
        ("what about programme managers?", ("faq_answer", "programme_manager_salary", "programme_manager", "salary")),
        ("which one pays more?", ("comparison", None, None, "salary")),
        ("why?", ("sources", "programme_manager_salary", "programme_manager", "salary")),
    ],
    "no answer, a new question, start over": [
        ("Am I too old to become a project manager?", ("faq_answer", "pm_age", "project_manager", "age")),
        ("and for change managers?", ("no_answer", None, "change_manager", "age")),
        ("what about in the US?", ("no_answer", None, "change_manager", "age")),
        ("How much does a Scrum Master earn?", ("faq_answer", "scrum_master_salary", "scrum_master", "salary")),
        ("is it stressful?", ("faq_answer", "scrum_master_stress", "scrum_master", "stress")),
        ("what about programme managers?", ("faq_answer", "programme_manager_stress", "programme_manager", "stress")),
        ("tell me more", ("more", "programme_manager_stress", "programme_manager", "stress")),
        ("start over", ("smalltalk", None, None, None)),
        ("is it stressful?", ("faq_answer", "pm_stress", "project_manager", "stress")),
        ("what about PMO?", ("faq_answer", "pmo_stress", "pmo", "stress")),
    ],
    "a follow-up first, a chosen question, then degrees": [
        ("what about PMO?", ("choose_question", None, "pmo", None)),
        ('/faq_pm_salary{"role": "pmo"}', ("faq_answer", "pmo_salary", "pmo", "salary")),
        ("tell me more", ("more", "pmo_salary", "pmo", "salary")),
        ("and scrum masters?", ("faq_answer", "scrum_master_salary", "scrum_master", "salary")),
        ("which of them gets paid more?", ("comparison", None, None, "salary")),
        ("is it stressful?", ("faq_answer", "scrum_master_stress", "scrum_master", "stress")),
        ("why?", ("sources", "scrum_master_stress", "scrum_master", "stress")),
        ("do I need a degree for that?", ("faq_answer", "scrum_master_degree", "scrum_master", "degree")),
        ("what about programme managers?", ("faq_answer", "programme_manager_degree", "programme_manager", "degree")),
        ("how long does it take to become one?", ("faq_answer", "time_to_become_programme_manager", "programme_manager", "time_to_qualify")),
    ],
    "certifications, then IT project managers": [
        ("Which certifications help a project manager?", ("faq_answer", "best_pm_certification", "project_manager", "certification")),
        ("what about scrum masters?", ("faq_answer", "scrum_master_certification", "scrum_master", "certification")),
        ("how long does that take?", ("faq_answer", "time_to_become_scrum_master", "scrum_master", "time_to_qualify")),
        ("is it stressful?", ("faq_answer", "scrum_master_stress", "scrum_master", "stress")),
        ("what about IT project managers?", ("faq_answer", "it_pm_stress", "it_project_manager", "stress")),
        ("how much do they earn?", ("faq_answer", "it_pm_salary", "it_project_manager", "salary")),
        ("which one pays more?", ("comparison", None, None, "salary")),
        ("tell me more", ("more", "it_pm_salary", "it_project_manager", "salary")),
        ("why?", ("sources", "it_pm_salary", "it_project_manager", "salary")),
        ("thanks", ("smalltalk", None, None, None)),
    ],
}
COMPARED = {  # the roles a comparison names, in order
    "pay then stress across roles": ["programme_manager", "project_manager"],
    "the job, a degree, then pay": ["programme_manager", "scrum_master"],
    "a follow-up first, a chosen question, then degrees": ["scrum_master", "pmo"],
    "certifications, then IT project managers": ["it_project_manager", "scrum_master"],
}
# Variables that would point the script at another database or Redis, or change its limits.
OUTSIDE = ("DB_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "REDIS_HOST", "REDIS_PORT",
           "REDIS_PASSWORD", "REDIS_DB", "RASA_PORTS", "SCALEOUT_PORT", "RATE_PER_ADDRESS", "RATE_PER_SENDER")


class ScaleOut:
    """scripts/scaleout.sh on free ports, with its own state directory; `stop()` is Ctrl-C."""

    def __init__(self, tmp: Path):
        self.port, self.rasa_ports = free_port(), [free_port(), free_port()]
        self.db_port, self.redis_port, self.action_port = free_port(), free_port(), free_port()
        self.db_password, self.redis_password = secrets.token_hex(16), secrets.token_hex(16)
        self.log = tmp / "scaleout.log"
        env = {k: v for k, v in os.environ.items() if k not in OUTSIDE}
        env.update(
            SCALEOUT_DIR=str(tmp / "state"), SCALEOUT_PORT=str(self.port), RASA_PORTS=" ".join(map(str, self.rasa_ports)),
            ACTION_PORT=str(self.action_port), DB_PORT=str(self.db_port), DB_PASSWORD=self.db_password,
            REDIS_PORT=str(self.redis_port), REDIS_PASSWORD=self.redis_password,
            # The load test's 50 conversations all come from 127.0.0.1. Since issue 6 made replies faster,
            # their bursts went past the default 50 requests/s per client address (burst 100) and nginx
            # answered about half of them with 429, so that limit is raised here. The per-sender limit
            # (test_nginx_limits_each_sender) stays at its default.
            RATE_PER_ADDRESS="500",
        )
        self.process = subprocess.Popen(
            ["scripts/scaleout.sh"], cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_until_running()

    def _wait_until_running(self, seconds: int = 300) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if "Pathfinder scale-out is running." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                if self.process.returncode == 3:  # PostgreSQL, Redis or nginx missing and apt-get could not install it
                    pytest.skip(self.log.read_text().strip().splitlines()[-1])
                raise RuntimeError(f"scaleout.sh exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"scaleout.sh did not start in {seconds}s:\n{self.log.read_text()[-3000:]}")

    def ports(self):
        return [self.port, *self.rasa_ports, self.action_port, self.db_port, self.redis_port]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


@pytest.fixture(scope="module")
def scaleout(tmp_path_factory):
    running = ScaleOut(tmp_path_factory.mktemp("scaleout"))
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
            record = {"script": script_name, "sender": sender, "turn": turn, "text": text, "expected": expected}
            started = time.monotonic()
            try:
                response = session.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, headers={"X-Sender-Id": sender}, timeout=90
                )
                record.update(status=response.status_code, upstream=response.headers.get("X-Upstream"))
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
    wrong = [f"{key} {got.get(key)!r}, expected {value!r}" for key, value in
             (("type", kind), ("faq_id", faq_id), ("role", role), ("topic", topic)) if value is not None and got.get(key) != value]
    if kind == "comparison" and got.get("roles") != COMPARED[record["script"]]:
        wrong.append(f"compared {got.get('roles')}")
    if not any(m.get("text") for m in messages):
        wrong.append("no text")
    return [f"{record['script']} turn {record['turn']} ({record['text']!r}, after {previous}): {w}" for w in wrong]


@pytest.fixture(scope="module")
def load(scaleout):
    """50 conversations of 10 turns at once through nginx; all the records and the wall time."""
    jobs = [(name, f"load-{i}-{uuid.uuid4().hex[:8]}") for name in SCRIPTS for i in range(CONVERSATIONS_PER_SCRIPT)]
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
            if previous and record.get("upstream") and record.get("upstream") != previous.get("upstream"):
                switched += 1
                switched_follow_ups += record["turn"] > 0
            previous = record
    latencies = sorted(r["seconds"] for r in records if r.get("status") == 200)
    p50, p95 = (quantiles(latencies, n=100)[i] for i in (49, 94)) if len(latencies) > 1 else (float("nan"),) * 2
    by_replica = {port: sum(r.get("upstream") == f"127.0.0.1:{port}" for r in records) for port in scaleout.rasa_ports}
    errors = sum(r.get("status") != 200 for r in records)
    figures = (
        f"scale-out load: {len(conversations)} conversations x {len(SCRIPTS[next(iter(SCRIPTS))])} turns, "
        f"{len(records)} messages in {wall:.1f}s ({len(records) / wall:.1f}/s), {errors} errors, "
        f"latency p50 {p50 * 1000:.0f} ms p95 {p95 * 1000:.0f} ms max {latencies[-1] * 1000:.0f} ms, "
        f"per replica {list(by_replica.values())}, {switched} follow-ups answered by the other replica, "
        f"{len(problems)} wrong replies"
    )
    print("\n" + figures)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "scaleout.txt").write_text(figures + "\n")

    assert errors == 0 and not problems, "\n".join(problems[:20])
    # Round robin really spread each conversation over both replicas, so the checks above mean something.
    assert all(count >= len(records) // 4 for count in by_replica.values()), by_replica
    assert switched_follow_ups >= len(records) // 4, switched


def test_every_conversation_is_in_postgres_whole_and_in_order(scaleout, load):
    psycopg2 = pytest.importorskip("psycopg2")
    conversations, _ = load
    db = psycopg2.connect(host="127.0.0.1", port=scaleout.db_port, dbname="pathfinder", user="pathfinder", password=scaleout.db_password)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT sender_id, id, timestamp, type_name, data FROM events WHERE sender_id LIKE 'load-%' ORDER BY sender_id, id")
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
        # Every user message is followed by the assistant's answer before the next one (the lock held).
        kinds = [type_name for _, _, type_name, _ in stored if type_name in ("user", "bot")]
        for i, kind in enumerate(kinds):
            if kind == "user" and i + 1 < len(kinds):
                assert kinds[i + 1] == "bot", f"{sender}: two user messages without an answer between"


def test_the_lock_store_is_redis(scaleout, load):
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=scaleout.redis_port, password=scaleout.redis_password, db=1)  # Rasa's default db
    conversations, _ = load
    messages = sum(len(c) for c in conversations)
    # Each message takes, refreshes and releases its conversation's lock: several commands per message.
    assert client.info("stats")["total_commands_processed"] >= 2 * messages
    assert client.dbsize() == 0  # every lock released


def test_nginx_limits_each_sender(scaleout):
    def burst(sender, n):
        return [requests.get(scaleout.url, headers={"X-Sender-Id": sender}, timeout=10).status_code for _ in range(n)]

    statuses = burst("flood", 25)
    assert statuses[:5] == [200] * 5 and statuses.count(429) >= 5, statuses
    assert burst("someone-else", 3) == [200] * 3  # another sender on the same address is not held back
