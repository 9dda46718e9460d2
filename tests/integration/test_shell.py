"""`make shell` (scripts/shell.sh: action server + rasa shell), driven like a person at a
terminal."""

import os

import pexpect

from core.settings import PROJECT_ROOT as ROOT
from tests.support.servers import free_port


def test_rasa_shell_answers_a_question(kb, tmp_path):
    env = dict(
        os.environ, ACTION_PORT=str(free_port()), TRACKER_DB=str(tmp_path / "shell.db"), TERM="dumb"
    )
    shell = pexpect.spawn(
        "scripts/shell.sh",
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=240,
        dimensions=(50, 400),
    )
    try:
        shell.expect("Bot loaded. Type a message and press enter")
        shell.sendline("Is 40 too old to become a project manager?")
        shell.expect_exact(kb.entry("pm_age").answer[:60], timeout=60)
        shell.expect_exact('"faq_id": "pm_age"', timeout=30)
        shell.sendline("/stop")
        shell.expect(pexpect.EOF, timeout=60)
    finally:
        shell.close(force=True)
