"""Pathfinder's action server package.

Pure modules (no Rasa imports, unit-tested on their own):
  settings      - configuration from the environment, in one place
  knowledge     - loads and validates the knowledge base under data/knowledge/
  understanding - turns an NLU parse into a decision: answer, clarify, out of scope, fallback
  replies       - builds the messages (text, buttons, custom payloads) for each decision
Thin Rasa layer:
  actions       - the Action classes the Rasa server calls
"""
