"""Fixtures that need the trained model: the running servers (started the way `make run` starts
them)."""

import socket
import time

import pytest

from core.settings import PROJECT_ROOT as ROOT
from tests.support.servers import RunningAssistant

MODEL = ROOT / "models" / "pathfinder.tar.gz"
STARTED = time.time()


@pytest.fixture(scope="session", autouse=True)
def trained_model():
    assert MODEL.is_file(), f"{MODEL} is missing: run `make train` (make test trains it first)"
    return MODEL


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    running = RunningAssistant(
        tmp_path_factory.mktemp("run"), env={"ARTICLES_BASE_URL": "https://training.example"}
    )
    yield running
    # Ctrl-C stops the servers cleanly: run.sh exits 0 and their ports are free again.
    assert running.stop() == 0, running.log.read_text()[-2000:]
    for port in (running.rasa_port, running.action_port, running.web_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after Ctrl-C"


def pytest_terminal_summary(terminalreporter):
    """Show the real-question, hold-out and scale-out figures in every run, pass or fail."""
    for name in ("real_questions.txt", "holdout.txt"):
        report = ROOT / "results" / name
        if report.is_file() and report.stat().st_mtime > STARTED:
            terminalreporter.write_line(report.read_text().splitlines()[0])
    load = ROOT / "results" / "scaleout.txt"
    if load.is_file() and load.stat().st_mtime > STARTED:
        terminalreporter.write_line(load.read_text().strip())


@pytest.fixture(scope="session")
def chat(tmp_path_factory):
    """The servers with Slack and Microsoft Teams enabled, replying to local fakes of their APIs."""
    from tests.support.chat_fakes import ChatTestBed

    bed = ChatTestBed(tmp_path_factory.mktemp("chat"))
    yield bed
    assert bed.stop() == 0, bed.assistant.log.read_text()[-2000:]
