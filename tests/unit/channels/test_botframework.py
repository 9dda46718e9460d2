"""The Microsoft Teams connector without a network: how replies are rendered, and every way a Bot
Framework token can be wrong."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from actions.replies import faq_payload
from channels import botframework
from channels.botframework import cards, tokens
from tests.support.replies import bot_messages


class RecordingBotFramework(botframework.BotFramework):
    def __init__(self):
        super().__init__(
            "app",
            "pw",
            {"id": "a:conversation"},
            {"id": "28:bot"},
            "https://service.example",
            "https://token.example",
        )
        self.activities = []

    async def send(self, message_data):
        self.activities.append(message_data)


async def test_teams_answer_is_text_then_a_hero_card_of_links_and_no_custom_payload(kb, settings):
    bot = RecordingBotFramework()
    for message in await bot_messages(kb, settings, "pm pay", [("faq_pm_salary", 0.93)]):
        await bot.send_response("29:user", dict(message))

    entry = kb.entry("pm_salary")
    answer, card = bot.activities
    assert answer == {
        "type": "message",
        "recipient": {"id": "29:user"},
        "from": {"id": "28:bot"},
        "text": entry.answer,
    }
    (attachment,) = card["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.hero"
    assert attachment["content"]["text"] == "Related articles:"
    assert attachment["content"]["buttons"] == [
        {
            "type": "openUrl",
            "title": kb.article(a).title,
            "value": settings.articles_base_url + kb.article(a).url,
        }
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
    assert [b["text"] for b in buttons] == [
        faq_payload(kb.entry("pm_salary")),
        faq_payload(kb.entry("pm_demand")),
        "/something_else",
    ]


@pytest.mark.parametrize(
    "activity, text",
    [
        ({"text": "How much do PMs earn?"}, "How much do PMs earn?"),
        (
            {
                "text": "<at>Pathfinder</at> How much do PMs earn?",
                "recipient": {"id": "28:bot"},
                "entities": [
                    {
                        "type": "mention",
                        "text": "<at>Pathfinder</at>",
                        "mentioned": {"id": "28:bot"},
                    }
                ],
            },
            "How much do PMs earn?",
        ),
        ({"value": {"payload": "/faq_pm_salary"}}, "/faq_pm_salary"),
    ],
)
def test_teams_message_text(activity, text):
    assert cards.message_text(activity) == text


# --- Bot Framework tokens
# ------------------------------------------------------------------------------

APP_ID = "11111111-2222-3333-4444-555555555555"
SERVICE_URL = "https://smba.trafficmanager.net/uk/"


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def validator(signing_key):
    jwk = {
        **RSAAlgorithm.to_jwk(signing_key.public_key(), as_dict=True),
        "kid": "key-1",
        "endorsements": ["msteams", "webchat"],
    }
    validator = tokens.TokenValidator(APP_ID, "https://openid.invalid/")
    validator.keys = {"key-1": jwk}
    validator.fetched_at = validator.tried_at = validator.clock()  # no fetching in unit tests
    return validator


def token(key, kid="key-1", algorithm="RS256", **claims):
    now = int(time.time())
    payload = {
        "iss": tokens.TOKEN_ISSUER,
        "aud": APP_ID,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "serviceurl": SERVICE_URL,
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return "Bearer " + jwt.encode(
        payload, key, algorithm=algorithm, headers={"kid": kid} if kid else None
    )


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
        pytest.param(
            lambda key: "Basic dXNlcjpwYXNz", ACTIVITY, "no Bearer token", id="not bearer"
        ),
        pytest.param(lambda key: "Bearer not-a-jwt", ACTIVITY, "not a JWT", id="not a jwt"),
        pytest.param(
            lambda key: token(key, exp=int(time.time()) - 600), ACTIVITY, "expired", id="expired"
        ),
        pytest.param(
            lambda key: token(key, nbf=int(time.time()) + 600),
            ACTIVITY,
            "not yet valid",
            id="not yet valid",
        ),
        pytest.param(lambda key: token(key, exp=None), ACTIVITY, "exp", id="no expiry"),
        pytest.param(
            lambda key: token(key, aud="another-bot"), ACTIVITY, "audience", id="wrong audience"
        ),
        pytest.param(
            lambda key: token(key, iss="https://sts.windows.net/x/"),
            ACTIVITY,
            "issuer",
            id="wrong issuer",
        ),
        pytest.param(
            lambda key: token(key, kid="key-2"), ACTIVITY, "unknown signing key", id="unknown key"
        ),
        pytest.param(
            lambda key: token(key, kid=None), ACTIVITY, "names no signing key", id="no key id"
        ),
        pytest.param(
            lambda key: token(rsa.generate_private_key(65537, 2048)),
            ACTIVITY,
            "signature",
            id="forged",
        ),
        pytest.param(
            lambda key: token("a-shared-secret", algorithm="HS256"),
            ACTIVITY,
            "'HS256' is not allowed",
            id="hs256",
        ),
        pytest.param(
            lambda key: token(None, algorithm="none"),
            ACTIVITY,
            "'none' is not allowed",
            id="alg none",
        ),
        pytest.param(
            lambda key: token(key),
            {**ACTIVITY, "serviceUrl": "https://attacker.example/"},
            "serviceurl",
            id="other serviceUrl",
        ),
        pytest.param(
            lambda key: token(key, serviceurl=None),
            ACTIVITY,
            "serviceurl",
            id="no serviceurl claim",
        ),
    ],
)
async def test_a_bad_token_is_unauthorized(validator, signing_key, make, activity, reason):
    with pytest.raises(tokens.Unauthorized, match="(?i)" + reason) as raised:
        await validator.validate(make(signing_key), activity)
    assert raised.value.status == 401


async def test_a_key_not_endorsed_for_the_channel_is_forbidden(validator, signing_key):
    with pytest.raises(tokens.Forbidden) as raised:
        await validator.validate(token(signing_key), {**ACTIVITY, "channelId": "slack"})
    assert raised.value.status == 403
