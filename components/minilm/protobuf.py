"""The ONNX graph container that graph.py fills, and the protobuf wire format of the ModelProto
subset it uses, written without the onnx package (byte for byte what onnx.helper writes, checked
when this was written)."""

import struct

import numpy as np

OPSET, IR_VERSION = 17, 8  # opset 17 (LayerNormalization) needs IR >= 8
FLOAT, UINT8, INT8, INT32, INT64 = 1, 2, 3, 6, 7  # TensorProto data types
_DTYPES = {
    np.dtype(np.float32): FLOAT,
    np.dtype(np.int8): INT8,
    np.dtype(np.int32): INT32,
    np.dtype(np.int64): INT64,
    np.dtype(np.uint8): UINT8,
}


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _f(num: int, wt: int) -> bytes:
    return _varint(num << 3 | wt)


def _int(num, v):
    return _f(num, 0) + _varint(v)


def _bytes(num, b):
    b = b.encode() if isinstance(b, str) else b
    return _f(num, 2) + _varint(len(b)) + b


def _attr(name, v):
    if isinstance(v, float):
        return _bytes(1, name) + _f(2, 5) + struct.pack("<f", v) + _int(20, 1)
    if isinstance(v, int):
        return _bytes(1, name) + _int(3, v) + _int(20, 2)
    return _bytes(1, name) + b"".join(_int(8, x) for x in v) + _int(20, 7)


def _tensor(name, a):
    return (
        b"".join(_int(1, d) for d in a.shape)
        + _int(2, _DTYPES[a.dtype])
        + _bytes(8, name)
        + _bytes(9, a.tobytes())
    )


def _value_info(name, elem, dims):
    shape = b"".join(_bytes(1, _bytes(2, d) if isinstance(d, str) else _int(1, d)) for d in dims)
    return _bytes(1, name) + _bytes(2, _bytes(1, _int(1, elem) + _bytes(2, shape)))


_IO = (
    [("input_ids", INT64, ["batch", "sequence"]), ("attention_mask", INT64, ["batch", "sequence"])],
    [("sentence_embedding", FLOAT, ["batch", 384])],
)


def serialize(g, props: dict, fused: bool) -> bytes:
    nodes = b"".join(
        _bytes(
            1,
            b"".join(_bytes(1, i) for i in ins)
            + b"".join(_bytes(2, o) for o in outs)
            + _bytes(3, name)
            + _bytes(4, op)
            + b"".join(_bytes(5, _attr(k, v)) for k, v in attrs.items())
            + (_bytes(7, dom) if dom else b""),
        )
        for op, ins, outs, name, dom, attrs in g.nodes
    )
    graph = (
        nodes
        + _bytes(2, "all_minilm_l6_v2")
        + b"".join(_bytes(5, _tensor(n, a)) for n, a in g.inits)
        + b"".join(_bytes(11, _value_info(*v)) for v in _IO[0])
        + b"".join(_bytes(12, _value_info(*v)) for v in _IO[1])
    )
    opsets = [("", OPSET)] + ([("com.microsoft", 1)] if fused else [])
    return (
        _int(1, IR_VERSION)
        + _bytes(2, "pathfinder-build_onnx")
        + _bytes(3, "1")
        + _bytes(7, graph)
        + b"".join(_bytes(8, _bytes(1, d) + _int(2, v)) for d, v in opsets)
        + b"".join(_bytes(14, _bytes(1, k) + _bytes(2, v)) for k, v in props.items())
    )


class Graph:
    """Nodes as (op_type, inputs, outputs, name, domain, attrs) and initializers as (name,
    array)."""

    def __init__(self):
        self.nodes, self.inits, self._n = [], [], 0

    def const(self, name, arr):
        self.inits.append((name, np.ascontiguousarray(arr)))
        return name

    def op(self, op_type, inputs, domain=None, out=None, n_out=1, **attrs):
        self._n += 1
        outs = (
            [out]
            if out
            else [
                f"{op_type.lower()}_{self._n}" + (f"_{j}" if n_out > 1 else "")
                for j in range(n_out)
            ]
        )
        self.nodes.append(
            (
                op_type,
                list(inputs),
                outs,
                f"n{self._n}_{op_type}",
                domain,
                dict(sorted(attrs.items())),
            )
        )
        return outs[0] if n_out == 1 else outs
