"""What a user may send, shared by our REST and socket.io channels (the message length:
MAX_MESSAGE_CHARS)."""

from core import texts

MAX_SENDER_CHARS = 255  # tracker stores index the sender id


def too_long_text(limit: int) -> str:
    return texts.TOO_LONG.format(limit=limit)
