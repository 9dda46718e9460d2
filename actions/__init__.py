"""Pathfinder's action server (rasa-sdk): `python -m actions` starts it (__main__.py, server.py).

Pure modules (no Rasa imports, unit-tested on their own), over the core package (core/):
  understanding  turns an NLU parse into a decision: answer, clarify, out of scope, fallback
  dialogue       keeps the thread: which role, place and topic a message is about, what to answer
  replies        builds the messages (text, buttons, custom markers) for each outcome
  replies_about  replies about what was said: comparisons, more, articles, sources
Thin Rasa layer:
  actions        the Action classes the Rasa server calls
  server         rasa-sdk's app behind the shared-token check
"""
