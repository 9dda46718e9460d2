"""scripts/run.sh (what `make run` calls) and scripts/scaleout.sh started from Python on free
loopback ports.

Shared by the end-to-end tests and the benchmark, so both measure exactly what users run.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, Optional

import requests

from core.settings import PROJECT_ROOT as ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _default_sigint() -> None:
    """In the child: `stop()` is Ctrl-C even when the tests run as a background job, whose shell
    made them ignore SIGINT, and bash cannot trap a signal it was started ignoring (scaleout.sh then
    ran on and
    was killed, leaving PostgreSQL behind)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(process: subprocess.Popen, timeout: float) -> int:
    """Ctrl-C to a script started in a session of its own; everything in it is killed if it
    hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


class RunningAssistant:
    """The servers via scripts/run.sh, with a tracker database of their own; `stop()` is Ctrl-C."""

    def __init__(
        self, tmp: Path, model: Optional[Path] = None, env: Optional[Dict[str, str]] = None
    ):
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
            ["scripts/run.sh"],
            cwd=ROOT,
            env=run_env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_default_sigint,
        )
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.webhook = f"{self.url}/webhooks/rest/webhook"
        # the demo page, and the origin CORS allows by default
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self._wait_until_running()

    def _wait_until_running(self, seconds: int = 240) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if "Pathfinder is running." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(
                    "scripts/run.sh exited with "
                    f"{self.process.returncode}:\n{self.log.read_text()[-3000:]}"
                )
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"scripts/run.sh did not start in {seconds}s:\n{self.log.read_text()[-3000:]}"
        )

    def say(self, sender: str, message: str):
        response = requests.post(
            self.webhook, json={"sender": sender, "message": message}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def server_pids(self) -> Dict[str, int]:
        """{"action": pid, "rasa": pid}: the two servers, the children of run.sh."""
        children = (
            Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        ).split()
        result = {}
        for pid in map(int, children):
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"scripts/web_server.py" in command:
                continue  # the demo page's static server
            result["action" if command[1:3] == [b"-m", b"actions"] else "rasa"] = pid
        return result

    def memory(self) -> Dict[str, float]:
        """Resident memory of the two servers."""
        return {f"{name}_rss_mb": rss_mb(pid) for name, pid in self.server_pids().items()}

    def stop(self) -> int:
        """Ctrl-C, as a user would; returns run.sh's exit code."""
        return interrupt(self.process, timeout=30)


def listening_pid(port: int) -> int:
    """The process listening on a loopback TCP port."""
    out = subprocess.run(
        ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    pids = set(re.findall(r"pid=(\d+)", out))
    if len(pids) != 1:
        raise RuntimeError(f"expected one process listening on port {port}: {out!r}")
    return int(pids.pop())


class ScaleOutUnavailable(RuntimeError):
    """scaleout.sh exited 3: PostgreSQL, Redis or nginx is missing and could not be installed."""


# Variables that would point the script at another database or Redis, or change its limits.
OUTSIDE = (
    "DB_URL",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_USER",
    "DB_PASSWORD",
    "REDIS_HOST",
    "REDIS_PORT",
    "REDIS_PASSWORD",
    "REDIS_DB",
    "RASA_PORTS",
    "SCALEOUT_PORT",
    "RATE_PER_ADDRESS",
    "RATE_PER_SENDER",
)


class RunningScaleOut:
    """scripts/scaleout.sh on free ports, with its own state directory; `stop()` is Ctrl-C.

    `env` is added last (RATE_PER_ADDRESS, RATE_PER_SENDER, MODEL, ...)."""

    def __init__(self, tmp: Path, env: Optional[Dict[str, str]] = None):
        self.port, self.rasa_ports = free_port(), [free_port(), free_port()]
        self.db_port, self.redis_port, self.action_port = free_port(), free_port(), free_port()
        self.db_password, self.redis_password = secrets.token_hex(16), secrets.token_hex(16)
        self.log, self.state = tmp / "scaleout.log", tmp / "state"
        env_ = {k: v for k, v in os.environ.items() if k not in OUTSIDE}
        env_.update(
            SCALEOUT_DIR=str(self.state),
            SCALEOUT_PORT=str(self.port),
            RASA_PORTS=" ".join(map(str, self.rasa_ports)),
            ACTION_PORT=str(self.action_port),
            DB_PORT=str(self.db_port),
            DB_PASSWORD=self.db_password,
            REDIS_PORT=str(self.redis_port),
            REDIS_PASSWORD=self.redis_password,
        )
        self.env = {**env_, **(env or {})}
        self.process = subprocess.Popen(
            ["scripts/scaleout.sh"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_default_sigint,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.webhook = f"{self.url}/webhooks/rest/webhook"
        self._wait_until_running()

    def _wait_until_running(self, seconds: int = 300) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if "Pathfinder scale-out is running." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                if (
                    self.process.returncode == 3
                ):  # PostgreSQL, Redis or nginx missing and apt-get could not install it
                    raise ScaleOutUnavailable(self.log.read_text().strip().splitlines()[-1])
                raise RuntimeError(
                    "scaleout.sh exited with "
                    f"{self.process.returncode}:\n{self.log.read_text()[-3000:]}"
                )
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"scaleout.sh did not start in {seconds}s:\n{self.log.read_text()[-3000:]}"
        )

    def ports(self):
        return [self.port, *self.rasa_ports, self.action_port, self.db_port, self.redis_port]

    def memory(self) -> Dict[str, float]:
        """Resident memory of the larger Rasa server and of the action server."""
        return {
            "rasa_rss_mb": max(rss_mb(listening_pid(p)) for p in self.rasa_ports),
            "action_rss_mb": rss_mb(listening_pid(self.action_port)),
        }

    def stop(self) -> int:
        """Ctrl-C; returns scaleout.sh's exit code."""
        return interrupt(self.process, timeout=60)
