"""Custom NLU components (used in config.yml by module path).

The Rasa server imports this package whenever it loads our model, which is also where the action
guard is installed (components/action_guard.py: a bounded wait and an apology when the action
server is down or hung).
"""
from components import action_guard

action_guard.install()
