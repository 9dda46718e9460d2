"""Our subclasses of Rasa's Slack and Bot Framework (Microsoft Teams) connectors.

Rasa loads them by module path from the credentials file that scripts/make_credentials.py writes
when their environment variables are set (see the README, "Slack" and "Microsoft Teams").
"""
