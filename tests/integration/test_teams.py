"""Microsoft Teams end to end: Bot Framework activities with signed tokens to the running servers;
signing keys, access tokens and replies through local fakes of Microsoft's services
(tests/support/chat_fakes.py)."""

import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from core.knowledge import article_url
from core.settings import PROJECT_ROOT as ROOT
from tests.support.chat_fakes import BOT_ACCESS_TOKEN

BASE_URL = "https://training.example"
ACTIVITY_FIELDS = {"type", "recipient", "from", "text", "attachments"}


def new_activity(chat, text, **fields):
    """A Teams personal-chat message; conversation ids contain ':' like real ones."""
    activity = {
        "type": "message",
        "id": uuid.uuid4().hex,
        "channelId": "msteams",
        "serviceUrl": chat.fakes.service_url,
        "from": {"id": f"29:user-{uuid.uuid4().hex[:8]}", "name": "Test User"},
        "recipient": {"id": f"28:{chat.app_id}", "name": "Pathfinder"},
        "conversation": {
            "id": f"a:conversation-{uuid.uuid4().hex}",
            "conversationType": "personal",
        },
        "text": text,
    }
    activity.update(fields)
    return activity


def assert_answer(replies, kb, faq_id):
    entry = kb.entry(faq_id)
    answer, card = [r["body"] for r in replies]
    assert answer["type"] == "message" and answer["text"] == entry.answer
    (attachment,) = card["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.hero"
    assert attachment["content"]["text"] == "Related articles:"
    assert attachment["content"]["buttons"] == [
        {
            "type": "openUrl",
            "title": kb.article(a).title,
            "value": article_url(kb.article(a), BASE_URL),
        }
        for a in entry.articles
    ]
    for reply in replies:
        assert set(reply["body"]) <= ACTIVITY_FIELDS, f"unexpected activity fields: {reply['body']}"
        assert reply["body"]["type"] == "message"
        assert reply["authorization"] == f"Bearer {BOT_ACCESS_TOKEN}"


def test_a_signed_message_gets_its_answer_posted_to_the_conversation(chat, kb):
    activity = new_activity(chat, "How do I become a project manager with no experience?")
    response = chat.post_to_teams(activity, chat.teams_token())
    assert response.status_code == 200

    # The reply is sent before the webhook answers; the conversation id arrives URL-encoded and
    # intact.
    replies = chat.fakes.teams_replies(activity["conversation"]["id"])
    assert_answer(replies, kb, "become_pm")
    assert replies[0]["body"]["recipient"] == {"id": activity["from"]["id"]}
    token_request = chat.fakes.token_requests[-1]
    assert (
        token_request["client_id"] == chat.app_id
        and token_request["client_secret"] == chat.app_password
    )
    assert token_request["grant_type"] == "client_credentials"
    assert token_request["scope"] == "https://api.botframework.com/.default"


@pytest.mark.parametrize(
    "fields, faq_id",
    [
        pytest.param(
            {"text": "/faq_pm_salary", "value": {"payload": "/faq_pm_salary"}},
            "pm_salary",
            id="button",
        ),
        pytest.param(
            {
                "text": "<at>Pathfinder</at> Is a Scrum Master just a project manager?",
                "entities": [
                    {"type": "mention", "text": "<at>Pathfinder</at>", "mentioned": {"id": "BOT"}}
                ],
            },
            "scrum_master_vs_pm",
            id="channel mention",
        ),
    ],
)
def test_buttons_and_channel_mentions_are_understood(chat, kb, fields, faq_id):
    activity = new_activity(chat, "")
    if "entities" in fields:
        fields["entities"][0]["mentioned"]["id"] = activity["recipient"]["id"]
    activity.update(fields)
    assert chat.post_to_teams(activity, chat.teams_token()).status_code == 200
    assert_answer(chat.fakes.teams_replies(activity["conversation"]["id"]), kb, faq_id)


def test_other_activities_are_acknowledged_without_a_reply(chat):
    activity = new_activity(chat, "", type="conversationUpdate")
    assert chat.post_to_teams(activity, chat.teams_token()).status_code == 200
    assert chat.fakes.teams_replies(activity["conversation"]["id"]) == []


@pytest.mark.parametrize(
    "make_token, activity_fields",
    [
        pytest.param(lambda chat: None, {}, id="missing"),
        pytest.param(
            lambda chat: chat.teams_token(exp=int(time.time()) - 600, iat=int(time.time()) - 4000),
            {},
            id="expired",
        ),
        pytest.param(
            lambda chat: chat.teams_token(aud="11111111-2222-3333-4444-555555555555"),
            {},
            id="wrong audience",
        ),
        pytest.param(
            lambda chat: chat.teams_token(
                key=rsa.generate_private_key(65537, 2048), kid="unknown-key"
            ),
            {},
            id="unknown key",
        ),
        pytest.param(
            lambda chat: chat.teams_token(key=rsa.generate_private_key(65537, 2048)),
            {},
            id="forged signature",
        ),
        pytest.param(
            lambda chat: chat.teams_token(iss="https://sts.windows.net/someone-else/"),
            {},
            id="wrong issuer",
        ),
        pytest.param(
            lambda chat: chat.teams_token(),
            {"serviceUrl": "http://127.0.0.1:9/elsewhere/"},
            id="other serviceUrl",
        ),
    ],
)
def test_a_bad_token_gets_401_and_no_reply(chat, make_token, activity_fields):
    activity = new_activity(chat, "How much money do project managers earn?", **activity_fields)
    response = chat.post_to_teams(activity, make_token(chat))
    assert response.status_code == 401
    assert chat.fakes.teams_replies(activity["conversation"]["id"]) == []


def test_secrets_stay_out_of_the_credentials_file_and_the_log(chat):
    """Slack's too: run.sh's credentials file names them as ${VARIABLE}s, which Rasa fills in."""
    text = (ROOT / "var" / f"credentials-{chat.assistant.rasa_port}.yml").read_text()
    assert "channels.slack.SlackInput" in text and "channels.botframework.BotFrameworkInput" in text
    log = chat.assistant.log.read_text()
    for secret in (chat.slack_bot_token, chat.signing_secret, chat.app_password, BOT_ACCESS_TOKEN):
        assert secret not in text and secret not in log
