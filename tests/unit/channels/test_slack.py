"""The Slack connector without a network: how replies are rendered, and Slack's retries and
duplicates."""

from actions.replies import faq_payload
from channels import slack
from tests.support.replies import bot_messages


class RecordingSlackClient:
    def __init__(self):
        self.posts = []

    async def chat_postMessage(self, **kwargs):
        self.posts.append(kwargs)


def slack_bot():
    bot = slack.SlackBot("xoxb-not-a-real-token", "D0123")
    bot.client = RecordingSlackClient()
    return bot


async def test_slack_answer_is_text_then_article_links_and_no_custom_payload(kb, settings):
    bot = slack_bot()
    for message in await bot_messages(kb, settings, "pm pay", [("faq_pm_salary", 0.93)]):
        await bot.send_response("U0123", dict(message))

    entry = kb.entry("pm_salary")
    answer, links = bot.client.posts
    assert answer == {"channel": "D0123", "text": slack.escape(entry.answer), "unfurl_links": False}
    section = links["blocks"][0]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"].splitlines() == ["Related articles:"] + [
        f"• <{settings.articles_base_url}{kb.article(a).url}|{slack.escape(kb.article(a).title)}>"
        for a in entry.articles
    ]
    assert len(links["blocks"]) == 1


async def test_slack_did_you_mean_is_an_actions_block_of_payload_buttons(kb, settings):
    bot = slack_bot()
    ranking = [("faq_pm_salary", 0.45), ("faq_pm_demand", 0.42)]
    for message in await bot_messages(kb, settings, "pm pay and jobs", ranking):
        await bot.send_response("U0123", dict(message))

    (question,) = bot.client.posts
    section, actions = question["blocks"]
    assert section["text"]["text"].endswith("Did you mean:")
    assert actions["type"] == "actions"
    assert [(e["type"], e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        ("button", kb.entry("pm_salary").title, faq_payload(kb.entry("pm_salary"))),
        ("button", kb.entry("pm_demand").title, faq_payload(kb.entry("pm_demand"))),
        ("button", "Something else", "/something_else"),
    ]
    assert len({e["action_id"] for e in actions["elements"]}) == 3
    assert "as_user" not in question and "type" not in question


def test_slack_text_is_escaped_and_long_button_titles_are_shortened():
    message = slack.buttons_message(
        "Q&A <b>",
        [
            {"title": "x" * 100, "payload": "/p"},
            {"title": "A&B", "type": "web_url", "url": "https://e.example/a"},
        ],
    )
    assert message["text"] == "Q&amp;A &lt;b&gt;"
    assert (
        message["blocks"][0]["text"]["text"] == "Q&amp;A &lt;b&gt;\n• <https://e.example/a|A&amp;B>"
    )
    assert len(message["blocks"][1]["elements"][0]["text"]["text"]) == slack.MAX_BUTTON_TEXT


def test_slack_ignores_every_retry_reason_by_default():
    channel = slack.SlackInput.from_credentials(
        {"slack_token": "xoxb-x", "slack_signing_secret": "s"}
    )
    assert isinstance(channel, slack.SlackInput)
    assert set(channel.errors_ignore_retry) == {
        "http_timeout",
        "too_many_redirects",
        "connection_failed",
        "ssl_error",
        "http_error",
        "unknown_error",
    }


def test_recent_keys_forget_after_their_time_and_when_full():
    now = [0.0]
    keys = slack.RecentKeys(ttl=60, size=3, clock=lambda: now[0])
    assert keys.add("a") and not keys.add("a")
    now[0] = 61
    assert keys.add("a"), "expired keys are new again"
    assert keys.add("b") and keys.add("c") and keys.add("d")
    assert keys.add("a"), "the oldest key is dropped when full"
