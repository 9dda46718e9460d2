"""Faults: the action server hung or down, and the Rasa server restarted mid-conversation."""

import os
import signal
import subprocess
import time
import uuid

import pytest
import requests

from core.settings import PROJECT_ROOT as ROOT
from tests.support.servers import RunningAssistant, free_port

APOLOGY = "Sorry, I can't look that up right now. Please try again in a moment."


def timed_say(url, sender, text, timeout=30):
    started = time.monotonic()
    response = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
    )
    response.raise_for_status()
    return response.json(), time.monotonic() - started


def assert_apology(replies):
    assert [m["text"] for m in replies if "text" in m] == [APOLOGY]
    assert replies[-1]["custom"] == {"type": "unavailable"}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    running = RunningAssistant(tmp_path_factory.mktemp("faults"))
    yield running
    running.stop()


def test_a_hung_action_server_gets_an_apology_within_10_seconds_then_recovers(faulty):
    action_pid = faulty.server_pids()["action"]
    sender = f"hung-{uuid.uuid4().hex[:6]}"
    os.kill(action_pid, signal.SIGSTOP)  # accepts connections (the kernel does) but never answers
    try:
        replies, seconds = timed_say(faulty.url, sender, "How do I become a project manager?")
    finally:
        os.kill(action_pid, signal.SIGCONT)
    assert seconds < 10
    assert_apology(replies)
    replies, _ = timed_say(faulty.url, sender, "How much does a project manager earn?")
    assert replies[-1]["custom"]["faq_id"] == "pm_salary"


def test_a_restarted_rasa_server_remembers_the_conversation(tmp_path):
    # Same tracker database, new servers: the follow-up still knows the role and topic.
    db, sender = tmp_path / "tracker.db", f"restart-{uuid.uuid4().hex[:6]}"
    first = RunningAssistant(tmp_path, env={"TRACKER_DB": str(db)})
    try:
        first.say(sender, "How much does a Scrum Master earn?")
    finally:
        assert first.stop() == 0
    second = RunningAssistant(tmp_path, env={"TRACKER_DB": str(db)})
    try:
        marker = second.say(sender, "is it stressful?")[-1]["custom"]
        assert (marker["faq_id"], marker["role"], marker["topic"]) == (
            "scrum_master_stress",
            "scrum_master",
            "stress",
        )
    finally:
        assert second.stop() == 0


def _wait_ok(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in {seconds}s")


def _bash(script, env, log):
    return subprocess.Popen(
        ["bash", "-c", script],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_an_action_server_that_refuses_connections_gets_an_apology_then_recovers(tmp_path):
    rasa_port, action_port = free_port(), free_port()
    env = dict(
        os.environ,
        ACTION_TOKEN="the-right-token",
        PATHFINDER_HOST="127.0.0.1",
        RASA_PORT=str(rasa_port),
        ACTION_HOST="127.0.0.1",
        ACTION_PORT=str(action_port),  # nothing listens here yet
        TRACKER_DB=str(tmp_path / "tracker.db"),
    )
    rasa = _bash(
        "source scripts/servers.sh && start_rasa_server && wait", env, tmp_path / "rasa.log"
    )
    actions = None
    try:
        url, sender = f"http://127.0.0.1:{rasa_port}", f"down-{uuid.uuid4().hex[:6]}"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        replies, seconds = timed_say(url, sender, "How do I become a project manager?")
        assert seconds < 10
        assert_apology(replies)

        # An action server with another token refuses the Rasa server's calls (401): still an
        # apology.
        impostor = _bash(
            "source scripts/servers.sh && start_action_server && wait",
            dict(env, ACTION_TOKEN="another"),
            tmp_path / "impostor.log",
        )
        try:
            _wait_ok(f"http://127.0.0.1:{action_port}/health")
            assert_apology(timed_say(url, sender, "How do I become a project manager?")[0])
        finally:
            os.killpg(impostor.pid, signal.SIGTERM)
            impostor.wait(timeout=30)

        actions = _bash(
            "source scripts/servers.sh && start_action_server && wait",
            env,
            tmp_path / "actions.log",
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{action_port}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        replies, _ = timed_say(url, sender, "How much does a project manager earn?")
        assert replies[-1]["custom"]["faq_id"] == "pm_salary"
    finally:
        for process in (rasa, actions):
            if process:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
