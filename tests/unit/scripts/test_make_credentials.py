"""The credentials file the launchers pass to Rasa: credentials.yml, plus Slack and Teams when their
variables are set, with secrets only as placeholders."""

import pytest
from rasa.shared.utils.io import read_config_file

from core.settings import PROJECT_ROOT as ROOT
from scripts.make_credentials import build

BASE_CREDENTIALS = (ROOT / "credentials.yml").read_text()
SLACK_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-not-a-real-token",
    "SLACK_SIGNING_SECRET": "not-a-real-secret",
}
TEAMS_ENV = {
    "TEAMS_APP_ID": "11111111-2222-3333-4444-555555555555",
    "TEAMS_APP_PASSWORD": "not-a-real-password",
}


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
    assert (
        "channels.rest.RestInput" in credentials
        and "channels.socketio.SocketIOInput" in credentials
    )


def test_empty_variables_count_as_unset():
    assert (
        build(BASE_CREDENTIALS, {"SLACK_BOT_TOKEN": "", "TEAMS_APP_ID": ""})[0] == BASE_CREDENTIALS
    )


@pytest.mark.parametrize(
    "env, missing",
    [
        ({"SLACK_BOT_TOKEN": "x"}, "SLACK_SIGNING_SECRET"),
        ({"TEAMS_APP_PASSWORD": "x"}, "TEAMS_APP_ID"),
    ],
)
def test_a_half_configured_channel_stops_the_start(env, missing):
    with pytest.raises(SystemExit, match=missing):
        build(BASE_CREDENTIALS, env)
