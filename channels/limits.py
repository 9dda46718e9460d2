"""Limits on what a user may send, shared by our REST and socket.io channels."""
import os

MAX_SENDER_CHARS = 255  # tracker stores index the sender id
DEFAULT_MAX_MESSAGE_CHARS = 2000
UNREADABLE_TEXT = "Sorry, I couldn't read that message. Please send it as plain text."


def max_message_chars(env=os.environ) -> int:
    raw = env.get("MAX_MESSAGE_CHARS") or str(DEFAULT_MAX_MESSAGE_CHARS)
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"MAX_MESSAGE_CHARS must be a positive whole number, got {raw!r}")
    return int(raw)


def too_long_text(limit: int) -> str:
    return f"Sorry, that message is too long for me. Please keep it under {limit:,} characters."
# When a message could not be handled (the tracker store or the lock store unreachable, e.g. during a
# PostgreSQL or Redis restart): it was not kept, so the user should send it again.
NOT_TAKEN_TEXT = "Sorry, I couldn't take that in just now. Please send it again in a moment."
