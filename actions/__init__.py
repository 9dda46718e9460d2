"""Pathfinder's action server (rasa-sdk): `python -m actions` starts it (__main__.py, server.py).

Pure modules (no Rasa imports, unit-tested on their own), over the core package (core/):
  understanding  turns an NLU parse into a decision: answer, clarify, out of scope, fallback
  conversation   what a message is about: the conversation's slots, the message's mentions, and
                 which (topic, role) answer that asks for
  dialogue       keeps the thread: what to answer, ask back or offer, for each kind of message
  replies        builds the messages (text, buttons, custom markers) for each outcome
  replies_about  replies about what was said: comparisons, more, articles, sources
Thin Rasa layer:
  actions        the Action classes the Rasa server calls
  server         rasa-sdk's app behind the shared-token check
"""
