"""Custom NLU components (used in config.yml by module path)."""
