"""`python -m generator`: writes what derives from the knowledge base (training.py: NLU data, rules,
stories and domain; test_stories.py: dialogue tests), and checks it is fresh (`--check`)."""
