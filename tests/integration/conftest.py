"""Fixtures that need the trained model: the running servers (started the way `make run` starts them)."""
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "pathfinder.tar.gz"
STARTED = time.time()


@pytest.fixture(scope="session", autouse=True)
def trained_model():
    assert MODEL.is_file(), f"{MODEL} is missing: run `make train` (make test trains it first)"
    return MODEL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningAssistant:
    """scripts/run.sh (what `make run` calls) on free ports, with a tracker database of its own."""

    def __init__(self, tmp: Path):
        self.rasa_port, self.action_port = free_port(), free_port()
        self.tracker_db = tmp / "tracker.db"
        self.log = tmp / "run.log"
        env = dict(
            os.environ,
            PATHFINDER_HOST="127.0.0.1",
            RASA_PORT=str(self.rasa_port),
            ACTION_PORT=str(self.action_port),
            ACTION_HOST="127.0.0.1",
            TRACKER_DB=str(self.tracker_db),
            ARTICLES_BASE_URL="https://training.example",
        )
        self.process = subprocess.Popen(
            ["scripts/run.sh"], cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self._wait_until_running()

    def _wait_until_running(self, seconds: int = 240) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if "Pathfinder is running." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"scripts/run.sh exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"scripts/run.sh did not start in {seconds}s:\n{self.log.read_text()[-3000:]}")

    def say(self, sender: str, message: str):
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def stop(self) -> int:
        """Ctrl-C, as a user would; returns run.sh's exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    running = RunningAssistant(tmp_path_factory.mktemp("run"))
    yield running
    # Ctrl-C stops both servers cleanly: run.sh exits 0 and both ports are free again.
    assert running.stop() == 0, running.log.read_text()[-2000:]
    for port in (running.rasa_port, running.action_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open after Ctrl-C"


def pytest_terminal_summary(terminalreporter):
    """Show the hold-out figures in every run's summary, pass or fail."""
    report = ROOT / "results" / "holdout.txt"
    if report.is_file() and report.stat().st_mtime > STARTED:
        terminalreporter.write_line(report.read_text().splitlines()[0])
