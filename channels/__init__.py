"""Rasa input channels of our own, named by module path in the credentials file: REST and socket.io
with input checks and fixes (credentials.yml), Slack and Bot Framework (Microsoft Teams) when their
environment variables are set (scripts/make_credentials.py; see the README).
"""
