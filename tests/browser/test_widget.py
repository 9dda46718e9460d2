"""The demo page's chat widget in headless Chromium: starts the servers as `make run` does (on free
ports), then runs tests/browser/widget.js, which drives the page as a visitor would. Needs node
(make install
runs npm ci) and Debian's chromium package (make install installs it when it can)."""

import json
import os
import shutil
import sqlite3
import subprocess

import pytest

from actions.replies import faq_payload
from core import texts
from core.knowledge import article_url
from core.settings import PROJECT_ROOT as ROOT
from tests.support.servers import RunningAssistant

MODEL = ROOT / "models" / "pathfinder.tar.gz"
SCREENSHOT = ROOT / "results" / "browser" / "widget.png"
BASE_URL = "https://training.example"
# Messages that may get "Did you mean ...?" with the current model; the first one that does is used.
AMBIGUOUS = [
    "project manager or scrum master",
    "is project management a good career",
    "certification",
    "is it hard",
]
# What the `custom` markers would look like on screen, and what a message without text would.
NEVER_SHOWN = ["faq_answer", "faq_id", '"type"', "clarify", "undefined"]


def chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail(
            "The browser test needs Chromium: install Debian's package (`apt-get install "
            "chromium`; "
            "`make install` does it when it can), or set CHROMIUM=/path/to/chromium."
        )
    return found


def shown_start(text: str) -> str:
    """The beginning of a reply, as the widget shows it (it renders Markdown, so stop before
    any)."""
    for i, char in enumerate(text[:60]):
        if char in "*_`[<#":
            return text[:i].rstrip()
    return text[:60]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    assert MODEL.is_file(), f"{MODEL} is missing: run `make train` (make test trains it first)"
    running = RunningAssistant(
        tmp_path_factory.mktemp("browser"), env={"ARTICLES_BASE_URL": BASE_URL}
    )
    yield running
    assert running.stop() == 0, running.log.read_text()[-2000:]


def reply_to(text, entry, kb):
    """What the visitor should see: the text, the start of the answer, its article links."""
    links = [
        {"title": kb.article(a).title, "url": article_url(kb.article(a), BASE_URL)}
        for a in entry.articles
    ]
    return {"text": text, "answer": shown_start(entry.answer), "links": links}


def clarify_reply(assistant):
    for message in AMBIGUOUS:
        reply = assistant.say("browser-test-probe", message)
        custom = reply[-1].get("custom", {})
        if custom.get("type") == "clarify" and custom["candidates"]:
            return message, reply
    pytest.fail(
        f"none of {AMBIGUOUS} gets a 'Did you mean' reply from the current model: add one that does"
    )


def test_a_visitor_chats_on_the_demo_page(assistant, kb):
    ambiguous, reply = clarify_reply(assistant)
    choice = kb.entry(reply[-1]["custom"]["candidates"][0])
    plan = {
        "url": assistant.web_url + "/",
        "chromium": chromium(),
        "screenshot": str(SCREENSHOT),
        "question": reply_to(
            "How do I become a project manager with no experience?", kb.entry("become_pm"), kb
        ),
        "ambiguous": {
            "text": ambiguous,
            "clarify": texts.CLARIFY,
            "suggestions": [button["title"] for button in reply[0]["buttons"]],
            "choice": {"title": choice.title, **reply_to(choice.title, choice, kb)},
        },
        "followUp": reply_to("How much money do project managers earn?", kb.entry("pm_salary"), kb),
        "afterReload": reply_to("Is project manager a stressful job?", kb.entry("pm_stress"), kb),
        "neverShown": NEVER_SHOWN,
    }
    result = subprocess.run(
        ["node", "tests/browser/widget.js", json.dumps(plan)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert SCREENSHOT.is_file()

    # The Rasa server kept one conversation across the reload (session persistence), not just the
    # page.
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' AND sender_id != "
            "'browser-test-probe'"
        )
        said = {}
        for sender, data in rows:
            said.setdefault(sender, []).append(json.loads(data)["text"])
    assert list(said.values()) == [
        [
            "/greet",
            plan["question"]["text"],
            ambiguous,
            faq_payload(choice),
            plan["followUp"]["text"],
            plan["afterReload"]["text"],
        ]
    ]
