"""The README's commands do what it says: `make run` answers its curl example, and `make help` lists
every target the README names. (`make test` is what CI runs; `make check` is its first step.)"""

import os
import re
import shlex
import signal
import subprocess
import time

from core.settings import PROJECT_ROOT as ROOT
from tests.support.servers import free_port

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks():
    return re.findall(r"```bash\n(.*?)```", README, re.S)


def test_make_run_answers_the_curl_example(tmp_path):
    ports = {name: str(free_port()) for name in ("RASA_PORT", "ACTION_PORT", "WEB_PORT")}
    env = dict(os.environ, TRACKER_DB=str(tmp_path / "tracker.db"), **ports)
    log = tmp_path / "run.log"
    run = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 240
        while "Pathfinder is running." not in log.read_text(errors="replace"):
            assert run.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        curl = next(b for b in _blocks() if b.startswith("curl")).replace("\\\n", " ")
        curl = curl.replace("127.0.0.1:5005", f"127.0.0.1:{ports['RASA_PORT']}")
        reply = subprocess.run(shlex.split(curl), capture_output=True, text=True, check=True).stdout
        assert '"faq_id": "become_pm"' in reply.replace('":"', '": "')
    finally:
        os.killpg(
            run.pid, signal.SIGINT
        )  # Ctrl-C, as in a terminal: to make and everything it started
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            raise
    assert "stopping..." in log.read_text(), log.read_text()[-3000:]


def test_every_make_target_the_readme_names_exists():
    listed = subprocess.run(
        ["make", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    targets = set(re.findall(r"make ([a-z-]+)", listed))
    named = set(re.findall(r"`make ([a-z-]+)", README)) | {
        line.split()[1]
        for block in _blocks()
        for line in block.splitlines()
        if line.startswith("make ")
    }
    assert named and named <= targets, named - targets
