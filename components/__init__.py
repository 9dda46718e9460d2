"""Custom NLU components, named by module path in config.yml. Exactly what the model is trained
from: a change here retrains it (the Makefile counts these files among the training inputs)."""
