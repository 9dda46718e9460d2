"""components/minilm/: the encoder against reference values computed once with sentence-transformers
(torch, the same model files; minilm_fixture.json): the same tokens, embeddings to 2e-6 in float32,
int8 within the bounds measured, the files and the graph pinned by sha256, tampering refused."""

import hashlib
import json
import os
import shutil

import numpy as np
import pytest

from components.minilm import MiniLMEncoder, ModelFileError
from components.minilm import encoder as minilm
from components.minilm import graph as build_onnx

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "minilm_fixture.json"), encoding="utf-8") as _f:
    FIXTURE = json.load(_f)
SENTENCES = FIXTURE["sentences"]


@pytest.fixture(scope="module")
def model_dir():
    return build_onnx.default_model_dir()  # the installed wheel (make install-python)


@pytest.fixture(scope="module")
def fp32(model_dir):
    return MiniLMEncoder(model_dir, precision="fp32")


@pytest.fixture(scope="module")
def int8(model_dir):
    return MiniLMEncoder(model_dir, precision="int8")


@pytest.fixture(scope="module")
def ref_fp32(fp32):
    return fp32.encode(SENTENCES)


def test_model_files_match_pinned_hashes(model_dir):
    for name, want in minilm.FILE_SHA256.items():
        with open(os.path.join(model_dir, name), "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == want, name


def test_token_ids_match_reference_tokenizer(fp32):
    for text, ids in zip(SENTENCES, FIXTURE["token_ids"]):
        assert fp32.token_ids(text) == ids, text


def test_output_shape_dtype_and_unit_norm(ref_fp32):
    assert ref_fp32.shape == (len(SENTENCES), 384) and ref_fp32.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ref_fp32, axis=1), 1.0, atol=1e-5)


def test_fp32_embedding_prefixes(ref_fp32):
    for i, prefix in FIXTURE["prefixes"].items():
        np.testing.assert_allclose(
            ref_fp32[int(i), :8], prefix, atol=2e-6, err_msg=SENTENCES[int(i)]
        )


def test_fp32_pair_cosines(ref_fp32):
    for p in FIXTURE["pairs"]:
        cos = float(ref_fp32[p["a"]] @ ref_fp32[p["b"]])
        assert abs(cos - p["cosine"]) <= 6e-5, (
            SENTENCES[p["a"]],
            SENTENCES[p["b"]],
            cos,
            p["cosine"],
        )


def test_sentence_transformers_docs_example(fp32):
    ex = FIXTURE["docs_example"]
    e = fp32.encode(ex["sentences"])
    np.testing.assert_allclose(np.round(e @ e.T, 4), ex["similarity"], atol=1e-4)


def test_int8_close_to_reference(int8, ref_fp32):
    e = int8.encode(SENTENCES)
    assert e.shape == ref_fp32.shape and e.dtype == np.float32
    cos = (e * ref_fp32).sum(1)
    assert cos.min() >= 0.95 and cos.mean() >= 0.985, (cos.min(), cos.mean())
    diffs = [abs(float(e[p["a"]] @ e[p["b"]]) - p["cosine"]) for p in FIXTURE["pairs"]]
    # measured with onnxruntime 1.23.2 on AVX512-VNNI: max 0.052, mean 0.011
    assert max(diffs) <= 0.06 and np.mean(diffs) <= 0.02, (max(diffs), np.mean(diffs))


def test_batching_and_order_do_not_change_results(fp32, ref_fp32):
    order = list(range(len(SENTENCES)))[::-1]
    fp32.batch_size = 3
    try:
        shuffled = fp32.encode([SENTENCES[i] for i in order])
    finally:
        fp32.batch_size = 32
    np.testing.assert_allclose(shuffled, ref_fp32[order], atol=2e-6)
    single = np.vstack([fp32.encode([s]) for s in SENTENCES[:5]])
    np.testing.assert_allclose(single, ref_fp32[:5], atol=2e-6)


def test_empty_inputs(fp32):
    assert fp32.encode([]).shape == (0, 384)
    assert np.isfinite(fp32.encode([""])).all()
    with pytest.raises(TypeError):
        fp32.encode("not a list")


def test_long_text_is_truncated_to_256_tokens(fp32):
    assert len(fp32.token_ids("word " * 1000)) == 256


def test_graph_bytes_are_deterministic_and_pinned(model_dir, fp32, int8):
    assert fp32.graph_sha256 == minilm.GRAPH_SHA256["fp32"]
    assert int8.graph_sha256 == minilm.GRAPH_SHA256["int8"]
    assert (
        hashlib.sha256(build_onnx.build(model_dir, "int8")).hexdigest()
        == minilm.GRAPH_SHA256["int8"]
    )


def test_prebuilt_graph_file_is_checked(model_dir, tmp_path):
    path = tmp_path / "minilm-int8.onnx"
    path.write_bytes(build_onnx.build(model_dir, "int8"))
    enc = MiniLMEncoder(model_dir, precision="int8", onnx_path=str(path))
    assert enc.encode(["hello"]).shape == (1, 384)
    with pytest.raises(ModelFileError):
        MiniLMEncoder(model_dir, precision="fp32", onnx_path=str(path))


def test_tampered_model_file_is_rejected(model_dir, tmp_path):
    for name in minilm.FILE_SHA256:
        dst = tmp_path / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if name == "config.json":
            shutil.copy(os.path.join(model_dir, name), dst)
            dst.write_text(
                dst.read_text().replace('"layer_norm_eps": 1e-12', '"layer_norm_eps": 1e-06')
            )
        else:
            os.symlink(os.path.join(model_dir, name), dst)
    with pytest.raises(ModelFileError):
        MiniLMEncoder(str(tmp_path))
