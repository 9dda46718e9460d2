"""What the running servers expose: the action server answers only the Rasa server, which holds its
token."""

import requests


def test_the_action_server_refuses_calls_without_the_token(assistant):
    url = f"http://127.0.0.1:{assistant.action_port}"
    call = {
        "next_action": "action_answer_faq",
        "sender_id": "intruder",
        "tracker": {"sender_id": "intruder", "slots": {}},
        "domain": {},
    }
    assert requests.post(f"{url}/webhook", json=call, timeout=10).status_code == 401
    assert requests.post(f"{url}/webhook?token=guess", json=call, timeout=10).status_code == 401
    assert requests.get(f"{url}/actions", timeout=10).status_code == 401
    assert requests.get(f"{url}/health", timeout=10).status_code == 200  # probes still work
    # ...while the Rasa server, which has the token, gets its answers.
    assert (
        assistant.say("with-token", "How do I become a project manager?")[-1]["custom"]["faq_id"]
        == "become_pm"
    )


def test_the_token_never_reaches_the_logs(assistant):
    assistant.say("log-check", "hello")
    log = assistant.log.read_text(errors="replace")
    assert "token=" not in log


def test_the_http_api_when_asked_for_needs_its_token(tmp_path):
    from tests.support.servers import RunningAssistant

    running = RunningAssistant(tmp_path, env={"RASA_API_TOKEN": "an-api-token"})
    try:
        assert requests.get(f"{running.url}/status", timeout=10).status_code == 401
        assert requests.get(f"{running.url}/status?token=wrong", timeout=10).status_code == 401
        assert (
            requests.get(f"{running.url}/status?token=an-api-token", timeout=10).status_code == 200
        )
        running.say("api-user", "How do I become a project manager?")
        tracker = requests.get(
            f"{running.url}/conversations/api-user/tracker?token=an-api-token", timeout=10
        )
        assert tracker.status_code == 200 and tracker.json()["slots"]["faq_id"] == "become_pm"
    finally:
        assert running.stop() == 0
