"""Pathfinder's core, shared by the Rasa server and the action server. No Rasa imports.

knowledge/  the knowledge base: its model, the loader and its checks, the ids the code relies on
mentions    finds the roles, places, certifications and topics a message names
settings    every setting read from the environment
texts       the assistant's own sentences
"""
