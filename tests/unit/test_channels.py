"""Slack and Microsoft Teams connectors without a network: the credentials file, how replies are
rendered, Slack's duplicate detection, and every way a Bot Framework token can be wrong."""
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from rasa.shared.utils.io import read_config_file
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerFaq
from actions.replies import faq_payload
from channels import botframework, slack
from scripts.make_credentials import build

ROOT = Path(__file__).resolve().parents[2]
BASE_CREDENTIALS = (ROOT / "credentials.yml").read_text()
SLACK_ENV = {"SLACK_BOT_TOKEN": "xoxb-not-a-real-token", "SLACK_SIGNING_SECRET": "not-a-real-secret"}
TEAMS_ENV = {"TEAMS_APP_ID": "11111111-2222-3333-4444-555555555555", "TEAMS_APP_PASSWORD": "not-a-real-password"}


# --- the credentials file run.sh passes to Rasa ---------------------------------------------------------


def test_without_channel_variables_the_credentials_are_credentials_yml():
    text, channels = build(BASE_CREDENTIALS, {})
    assert text == BASE_CREDENTIALS
    assert "channels.slack.SlackInput" not in channels


def test_channels_are_added_with_placeholders_that_rasa_fills_in(tmp_path, monkeypatch):
    env = {**SLACK_ENV, **TEAMS_ENV, "SLACK_CHANNEL": "C0123", "TEAMS_TENANT_ID": "my-tenant"}
    text, channels = build(BASE_CREDENTIALS, env)
    assert channels[-2:] == ["Slack", "Microsoft Teams"]
    assert text.startswith(BASE_CREDENTIALS.rstrip("\n"))
    for value in env.values():
        assert value not in text, "a secret was written to the credentials file"

    path = tmp_path / "credentials.yml"
    path.write_text(text)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    credentials = read_config_file(str(path))
    assert credentials["channels.slack.SlackInput"] == {
        "slack_token": SLACK_ENV["SLACK_BOT_TOKEN"],
        "slack_signing_secret": SLACK_ENV["SLACK_SIGNING_SECRET"],
        "slack_channel": "C0123",
    }
    assert credentials["channels.botframework.BotFrameworkInput"] == {
        "app_id": TEAMS_ENV["TEAMS_APP_ID"],
        "app_password": TEAMS_ENV["TEAMS_APP_PASSWORD"],
        "tenant_id": "my-tenant",
    }
    assert "channels.rest.RestInput" in credentials and "channels.socketio.SocketIOInput" in credentials


def test_empty_variables_count_as_unset():
    assert build(BASE_CREDENTIALS, {"SLACK_BOT_TOKEN": "", "TEAMS_APP_ID": ""})[0] == BASE_CREDENTIALS


@pytest.mark.parametrize(
    "env, missing",
    [({"SLACK_BOT_TOKEN": "x"}, "SLACK_SIGNING_SECRET"), ({"TEAMS_APP_PASSWORD": "x"}, "TEAMS_APP_ID")],
)
def test_a_half_configured_channel_stops_the_start(env, missing):
    with pytest.raises(SystemExit, match=missing):
        build(BASE_CREDENTIALS, env)


# --- what a reply looks like in each channel --------------------------------------------------------


async def bot_messages(kb, settings, text, ranking):
    """What the action sends for a message, as the dicts Rasa hands to an output channel."""
    from tests.conftest import make_tracker

    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq(kb=kb, settings=settings).run(dispatcher, make_tracker(text, ranking), {})
    return dispatcher.messages


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
        f"• <{settings.articles_base_url}{kb.article(a).url}|{slack.escape(kb.article(a).title)}>" for a in entry.articles
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
    message = slack.buttons_message("Q&A <b>", [{"title": "x" * 100, "payload": "/p"}, {"title": "A&B", "type": "web_url", "url": "https://e.example/a"}])
    assert message["text"] == "Q&amp;A &lt;b&gt;"
    assert message["blocks"][0]["text"]["text"] == "Q&amp;A &lt;b&gt;\n• <https://e.example/a|A&amp;B>"
    assert len(message["blocks"][1]["elements"][0]["text"]["text"]) == slack.MAX_BUTTON_TEXT


def test_slack_ignores_every_retry_reason_by_default():
    channel = slack.SlackInput.from_credentials({"slack_token": "xoxb-x", "slack_signing_secret": "s"})
    assert isinstance(channel, slack.SlackInput)
    assert set(channel.errors_ignore_retry) == {
        "http_timeout", "too_many_redirects", "connection_failed", "ssl_error", "http_error", "unknown_error"
    }


def test_recent_keys_forget_after_their_time_and_when_full():
    now = [0.0]
    keys = slack.RecentKeys(ttl=60, size=3, clock=lambda: now[0])
    assert keys.add("a") and not keys.add("a")
    now[0] = 61
    assert keys.add("a"), "expired keys are new again"
    assert keys.add("b") and keys.add("c") and keys.add("d")
    assert keys.add("a"), "the oldest key is dropped when full"


class RecordingBotFramework(botframework.BotFramework):
    def __init__(self):
        super().__init__("app", "pw", {"id": "a:conversation"}, {"id": "28:bot"}, "https://service.example", "https://token.example")
        self.activities = []

    async def send(self, message_data):
        self.activities.append(message_data)


async def test_teams_answer_is_text_then_a_hero_card_of_links_and_no_custom_payload(kb, settings):
    bot = RecordingBotFramework()
    for message in await bot_messages(kb, settings, "pm pay", [("faq_pm_salary", 0.93)]):
        await bot.send_response("29:user", dict(message))

    entry = kb.entry("pm_salary")
    answer, card = bot.activities
    assert answer == {"type": "message", "recipient": {"id": "29:user"}, "from": {"id": "28:bot"}, "text": entry.answer}
    (attachment,) = card["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.hero"
    assert attachment["content"]["text"] == "Related articles:"
    assert attachment["content"]["buttons"] == [
        {"type": "openUrl", "title": kb.article(a).title, "value": settings.articles_base_url + kb.article(a).url}
        for a in entry.articles
    ]


async def test_teams_did_you_mean_buttons_send_their_payload_and_show_their_title(kb, settings):
    bot = RecordingBotFramework()
    ranking = [("faq_pm_salary", 0.45), ("faq_pm_demand", 0.42)]
    for message in await bot_messages(kb, settings, "pm pay and jobs", ranking):
        await bot.send_response("29:user", dict(message))

    (card,) = bot.activities
    buttons = card["attachments"][0]["content"]["buttons"]
    assert buttons[0] == {
        "type": "messageBack",
        "title": kb.entry("pm_salary").title,
        "text": faq_payload(kb.entry("pm_salary")),
        "displayText": kb.entry("pm_salary").title,
        "value": {"payload": faq_payload(kb.entry("pm_salary"))},
    }
    assert [b["text"] for b in buttons] == [faq_payload(kb.entry("pm_salary")), faq_payload(kb.entry("pm_demand")), "/something_else"]


@pytest.mark.parametrize(
    "activity, text",
    [
        ({"text": "How much do PMs earn?"}, "How much do PMs earn?"),
        (
            {
                "text": "<at>Pathfinder</at> How much do PMs earn?",
                "recipient": {"id": "28:bot"},
                "entities": [{"type": "mention", "text": "<at>Pathfinder</at>", "mentioned": {"id": "28:bot"}}],
            },
            "How much do PMs earn?",
        ),
        ({"value": {"payload": "/faq_pm_salary"}}, "/faq_pm_salary"),
    ],
)
def test_teams_message_text(activity, text):
    assert botframework.message_text(activity) == text


# --- Bot Framework tokens ------------------------------------------------------------------------------

APP_ID = TEAMS_ENV["TEAMS_APP_ID"]
SERVICE_URL = "https://smba.trafficmanager.net/uk/"


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def validator(signing_key):
    jwk = {**RSAAlgorithm.to_jwk(signing_key.public_key(), as_dict=True), "kid": "key-1", "endorsements": ["msteams", "webchat"]}
    validator = botframework.TokenValidator(APP_ID, "https://openid.invalid/")
    validator.keys = {"key-1": jwk}
    validator.fetched_at = validator.tried_at = validator.clock()  # no fetching in unit tests
    return validator


def token(key, kid="key-1", algorithm="RS256", **claims):
    now = int(time.time())
    payload = {"iss": botframework.TOKEN_ISSUER, "aud": APP_ID, "iat": now, "nbf": now, "exp": now + 3600, "serviceurl": SERVICE_URL}
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return "Bearer " + jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid} if kid else None)


ACTIVITY = {"type": "message", "channelId": "msteams", "serviceUrl": SERVICE_URL}


async def test_a_good_token_is_accepted(validator, signing_key):
    claims = await validator.validate(token(signing_key), ACTIVITY)
    assert claims["aud"] == APP_ID


async def test_clock_skew_of_a_few_minutes_is_allowed(validator, signing_key):
    await validator.validate(token(signing_key, exp=int(time.time()) - 120), ACTIVITY)


@pytest.mark.parametrize(
    "make, activity, reason",
    [
        pytest.param(lambda key: None, ACTIVITY, "no Bearer token", id="missing"),
        pytest.param(lambda key: "Basic dXNlcjpwYXNz", ACTIVITY, "no Bearer token", id="not bearer"),
        pytest.param(lambda key: "Bearer not-a-jwt", ACTIVITY, "not a JWT", id="not a jwt"),
        pytest.param(lambda key: token(key, exp=int(time.time()) - 600), ACTIVITY, "expired", id="expired"),
        pytest.param(lambda key: token(key, nbf=int(time.time()) + 600), ACTIVITY, "not yet valid", id="not yet valid"),
        pytest.param(lambda key: token(key, exp=None), ACTIVITY, "exp", id="no expiry"),
        pytest.param(lambda key: token(key, aud="another-bot"), ACTIVITY, "audience", id="wrong audience"),
        pytest.param(lambda key: token(key, iss="https://sts.windows.net/x/"), ACTIVITY, "issuer", id="wrong issuer"),
        pytest.param(lambda key: token(key, kid="key-2"), ACTIVITY, "unknown signing key", id="unknown key"),
        pytest.param(lambda key: token(key, kid=None), ACTIVITY, "names no signing key", id="no key id"),
        pytest.param(lambda key: token(rsa.generate_private_key(65537, 2048)), ACTIVITY, "signature", id="forged"),
        pytest.param(lambda key: token("a-shared-secret", algorithm="HS256"), ACTIVITY, "'HS256' is not allowed", id="hs256"),
        pytest.param(lambda key: token(None, algorithm="none"), ACTIVITY, "'none' is not allowed", id="alg none"),
        pytest.param(
            lambda key: token(key), {**ACTIVITY, "serviceUrl": "https://attacker.example/"}, "serviceurl", id="other serviceUrl"
        ),
        pytest.param(lambda key: token(key, serviceurl=None), ACTIVITY, "serviceurl", id="no serviceurl claim"),
    ],
)
async def test_a_bad_token_is_unauthorized(validator, signing_key, make, activity, reason):
    with pytest.raises(botframework.Unauthorized, match="(?i)" + reason) as raised:
        await validator.validate(make(signing_key), activity)
    assert raised.value.status == 401


async def test_a_key_not_endorsed_for_the_channel_is_forbidden(validator, signing_key):
    with pytest.raises(botframework.Forbidden) as raised:
        await validator.validate(token(signing_key), {**ACTIVITY, "channelId": "slack"})
    assert raised.value.status == 403
