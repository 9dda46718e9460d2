"""Microsoft Teams through the Bot Framework: channel.py (the connector), tokens.py (token checks
and access tokens), cards.py (hero cards). The credentials file names
`channels.botframework.BotFrameworkInput`."""

from channels.botframework.channel import BotFramework, BotFrameworkInput

__all__ = ["BotFramework", "BotFrameworkInput"]
