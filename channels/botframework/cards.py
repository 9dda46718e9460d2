"""Rasa's buttons as Bot Framework hero cards, and the user's text from an activity."""

from typing import Any, Dict, List, Text


def card_action(button: Dict[Text, Any]) -> Dict[Text, Any]:
    """A Rasa button as a Bot Framework CardAction: a link opens its URL; a payload button sends the
    payload back while the chat shows its title."""
    if button.get("type") == "web_url" and button.get("url"):
        return {"type": "openUrl", "title": button["title"], "value": button["url"]}
    payload = button.get("payload", button["title"])
    return {
        "type": "messageBack",
        "title": button["title"],
        "text": payload,
        "displayText": button["title"],
        "value": {"payload": payload},
    }


def hero_card(text: Text, buttons: List[Dict[Text, Any]]) -> Dict[Text, Any]:
    return {
        "contentType": "application/vnd.microsoft.card.hero",
        "content": {"text": text, "buttons": [card_action(b) for b in buttons]},
    }


def message_text(activity: Dict[Text, Any]) -> Text:
    """The user's text, without @mentions of the bot (Teams channels); a messageBack's payload if no
    text."""
    text = activity.get("text") or ""
    bot_id = (activity.get("recipient") or {}).get("id")
    for entity in activity.get("entities") or []:
        if (
            entity.get("type") == "mention"
            and (entity.get("mentioned") or {}).get("id") == bot_id
            and entity.get("text")
        ):
            text = text.replace(entity["text"], " ")
    value = activity.get("value")
    if not text.strip() and isinstance(value, dict) and isinstance(value.get("payload"), str):
        text = value["payload"]
    return text.strip()
