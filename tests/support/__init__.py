"""What the tests share: the servers started as users start them (servers.py), fakes of Slack's and
Microsoft's APIs (chat_fakes.py), the conversations replayed end to end (conversations.py), reply
assertions (replies.py) and rasa-sdk trackers for the action tests (trackers.py)."""
