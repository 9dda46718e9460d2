"""scripts/run.sh (what `make run` calls) started from Python on free loopback ports.

Shared by the end-to-end tests and the benchmark, so both measure exactly what users run.
"""
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class RunningAssistant:
    """The servers via scripts/run.sh, with a tracker database of their own; `stop()` is Ctrl-C."""

    def __init__(self, tmp: Path, model: Optional[Path] = None, env: Optional[Dict[str, str]] = None):
        self.rasa_port, self.action_port, self.web_port = free_port(), free_port(), free_port()
        self.tracker_db = tmp / f"tracker-{self.rasa_port}.db"
        self.log = tmp / f"run-{self.rasa_port}.log"
        run_env = dict(
            os.environ,
            PATHFINDER_HOST="127.0.0.1",
            RASA_PORT=str(self.rasa_port),
            ACTION_PORT=str(self.action_port),
            ACTION_HOST="127.0.0.1",
            WEB_PORT=str(self.web_port),
            TRACKER_DB=str(self.tracker_db),
            **({"MODEL": str(model)} if model else {}),
        )
        run_env.update(env or {})  # the caller's values win (a shared TRACKER_DB, say)
        self.tracker_db = Path(run_env["TRACKER_DB"])
        self.process = subprocess.Popen(
            ["scripts/run.sh"], cwd=ROOT, env=run_env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
            # `stop()` is Ctrl-C even when the tests run as a background job, whose shell made them ignore SIGINT:
            # bash cannot trap a signal it was started ignoring.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.webhook = f"{self.url}/webhooks/rest/webhook"
        self.web_url = f"http://127.0.0.1:{self.web_port}"  # the demo page, and the origin CORS allows by default
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
        response = requests.post(self.webhook, json={"sender": sender, "message": message}, timeout=30)
        response.raise_for_status()
        return response.json()

    def server_pids(self) -> Dict[str, int]:
        """{"action": pid, "rasa": pid}: the two servers, the children of run.sh."""
        children = (Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()).split()
        result = {}
        for pid in map(int, children):
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"scripts/web_server.py" in command:
                continue  # the demo page's static server
            result["action" if any(part.endswith(b"action_server.py") for part in command) else "rasa"] = pid
        return result

    def memory(self) -> Dict[str, float]:
        """Resident memory of the two servers."""
        return {f"{name}_rss_mb": rss_mb(pid) for name, pid in self.server_pids().items()}

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
