"""Benchmark workloads: each knows its graph IR, inputs, reference, FLOPs and how
the libraries (numpy, PyTorch, ONNX Runtime) compute it.

    w = conv2d(1, 64, 56, 56, 64, 3, 3, stride=1, pad=1)
    w.graph_ir()          # graph-level IR for nnopt.compile
    w.reference(inputs)   # float64 numpy result
    w.flops               # 2*N*F*OH*OW*C*KH*KW (PERF.md's convention)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _t(shape: tuple[int, ...]) -> str:
    return "tensor<" + "x".join(map(str, shape)) + "xf32>"


@dataclass(frozen=True)
class Workload:
    name: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    # -- shapes and sizes ----------------------------------------------------------

    @property
    def input_shapes(self) -> list[tuple[int, ...]]:
        p = self.params
        if self.kind == "matmul":
            return [(p["m"], p["k"]), (p["k"], p["n"])]
        if self.kind == "conv":
            return [(p["n"], p["c"], p["h"], p["w"]), (p["f"], p["c"] // p["groups"], p["kh"], p["kw"])]
        if self.kind == "attention":
            shape = (p["b"], p["heads"], p["l"], p["d"])
            return [shape, shape, shape]
        raise ValueError(self.kind)

    @property
    def output_shape(self) -> tuple[int, ...]:
        p = self.params
        if self.kind == "matmul":
            return (p["m"], p["n"])
        if self.kind == "conv":
            oh = (p["h"] + 2 * p["pad"] - p["kh"]) // p["stride"] + 1
            ow = (p["w"] + 2 * p["pad"] - p["kw"]) // p["stride"] + 1
            return (p["n"], p["f"], oh, ow)
        return (p["b"], p["heads"], p["l"], p["d"])

    @property
    def flops(self) -> float:
        p = self.params
        if self.kind == "matmul":
            return 2.0 * p["m"] * p["n"] * p["k"]
        if self.kind == "conv":
            n, f, oh, ow = self.output_shape
            return 2.0 * n * f * oh * ow * (p["c"] // p["groups"]) * p["kh"] * p["kw"]
        return 4.0 * p["b"] * p["heads"] * p["l"] ** 2 * p["d"]

    @property
    def bytes_moved(self) -> float:
        """Compulsory traffic: every input read once, the output written once."""
        elements = sum(math.prod(s) for s in self.input_shapes) + math.prod(self.output_shape)
        return 4.0 * elements

    def inputs(self, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        return [rng.standard_normal(s, dtype=np.float32) for s in self.input_shapes]

    # -- nnopt ----------------------------------------------------------------------

    def graph_ir(self) -> str:
        p = self.params
        ins = self.input_shapes
        out = self.output_shape
        if self.kind == "matmul":
            body = f"%r = graph.matmul %a0, %a1 : ({_t(ins[0])}, {_t(ins[1])}) -> {_t(out)}"
        elif self.kind == "conv":
            s, q = p["stride"], p["pad"]
            attrs = (
                f"strides = array<i64: {s}, {s}>, pads = array<i64: {q}, {q}, {q}, {q}>, "
                f"group = {p['groups']} : i64"
            )
            body = f"%r = graph.conv2d %a0, %a1 {{{attrs}}} : ({_t(ins[0])}, {_t(ins[1])}) -> {_t(out)}"
        else:
            attrs = "{causal = true}" if p.get("causal") else ""
            types = ", ".join(_t(s) for s in ins)
            body = f"%r = graph.attention %a0, %a1, %a2 {attrs} : ({types}) -> {_t(out)}".replace("  ", " ")
        args = ", ".join(f"%a{i}: {_t(s)}" for i, s in enumerate(ins))
        return f"func.func @kernel({args}) -> {_t(out)} {{\n  {body}\n  func.return %r : {_t(out)}\n}}\n"

    # -- references and libraries ---------------------------------------------------

    def reference(self, inputs: list[np.ndarray]) -> np.ndarray:
        x = [a.astype(np.float64) for a in inputs]
        if self.kind == "matmul":
            return x[0] @ x[1]
        if self.kind == "conv":
            return _conv_numpy(x[0], x[1], self.params)
        return _attention_numpy(x[0], x[1], x[2], self.params)

    def numpy_fn(self, inputs: list[np.ndarray], out: np.ndarray) -> Callable[[], object] | None:
        if self.kind == "matmul":
            return lambda: np.matmul(inputs[0], inputs[1], out=out)
        if self.kind == "attention":
            return lambda: _attention_numpy(inputs[0], inputs[1], inputs[2], self.params)
        return lambda: _conv_numpy(inputs[0], inputs[1], self.params)

    def torch_fn(self, inputs: list[np.ndarray], out: np.ndarray) -> Callable[[], object]:
        import torch

        t = [torch.from_numpy(a) for a in inputs]
        o = torch.from_numpy(out)
        p = self.params
        if self.kind == "matmul":
            return lambda: torch.matmul(t[0], t[1], out=o)
        if self.kind == "conv":
            def conv() -> object:
                return torch.nn.functional.conv2d(t[0], t[1], stride=p["stride"], padding=p["pad"], groups=p["groups"])

            return conv
        scale = 1 / math.sqrt(p["d"])
        return lambda: torch.nn.functional.scaled_dot_product_attention(
            t[0], t[1], t[2], is_causal=bool(p.get("causal")), scale=scale
        )

    def onnx_model(self) -> Any:
        from onnx import TensorProto, helper

        p = self.params
        names = [f"a{i}" for i in range(len(self.input_shapes))]
        inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in zip(names, self.input_shapes, strict=True)]
        output = helper.make_tensor_value_info("r", TensorProto.FLOAT, list(self.output_shape))
        if self.kind == "matmul":
            nodes = [helper.make_node("MatMul", names, ["r"])]
        elif self.kind == "conv":
            s, q = p["stride"], p["pad"]
            nodes = [helper.make_node("Conv", names, ["r"], strides=[s, s], pads=[q, q, q, q], group=p["groups"], kernel_shape=[p["kh"], p["kw"]])]
        else:
            b, h, length, d = self.input_shapes[0]
            # com.microsoft.MultiHeadAttention takes [B, L, H*D]; transpose around it.
            nodes = []
            for n in names:
                nodes.append(helper.make_node("Transpose", [n], [f"{n}_t"], perm=[0, 2, 1, 3]))
                nodes.append(helper.make_node("Reshape", [f"{n}_t", "shape3"], [f"{n}_3"]))
            nodes.append(
                helper.make_node(
                    "MultiHeadAttention", [f"{n}_3" for n in names], ["o3"], domain="com.microsoft",
                    num_heads=h, unidirectional=1 if p.get("causal") else 0, scale=1 / math.sqrt(d),
                )
            )
            nodes.append(helper.make_node("Reshape", ["o3", "shape4"], ["o4"]))
            nodes.append(helper.make_node("Transpose", ["o4"], ["r"], perm=[0, 2, 1, 3]))
            shape3 = helper.make_tensor("shape3", TensorProto.INT64, [3], [b, length, h * d])
            shape4 = helper.make_tensor("shape4", TensorProto.INT64, [4], [b, length, h, d])
            graph = helper.make_graph(nodes, self.name, inputs, [output], [shape3, shape4])
            return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
        graph = helper.make_graph(nodes, self.name, inputs, [output])
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _conv_numpy(x: np.ndarray, w: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    """Direct convolution with numpy (im2col per group)."""
    n, _, h, width = x.shape
    f, cg, kh, kw = w.shape
    s, q, groups = p["stride"], p["pad"], p["groups"]
    xp = np.pad(x, ((0, 0), (0, 0), (q, q), (q, q)))
    oh = (h + 2 * q - kh) // s + 1
    ow = (width + 2 * q - kw) // s + 1
    out = np.empty((n, f, oh, ow), dtype=x.dtype)
    fg = f // groups
    for g in range(groups):
        xs = xp[:, g * cg : (g + 1) * cg]
        cols = np.stack(
            [xs[:, :, i : i + s * oh : s, j : j + s * ow : s] for i in range(kh) for j in range(kw)], axis=2
        )  # n, cg, kh*kw, oh, ow
        weights = w[g * fg : (g + 1) * fg].reshape(fg, cg * kh * kw)
        out[:, g * fg : (g + 1) * fg] = np.einsum("fk,nkhw->nfhw", weights, cols.reshape(n, cg * kh * kw, oh, ow))
    return out


def _attention_numpy(q: np.ndarray, k: np.ndarray, v: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    scores = (q @ np.swapaxes(k, -1, -2)) * (1 / math.sqrt(q.shape[-1]))
    if p.get("causal"):
        length = q.shape[-2]
        scores = scores + np.triu(np.full((length, length), -np.inf, dtype=scores.dtype), 1)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (scores / scores.sum(axis=-1, keepdims=True)) @ v


def matmul(m: int, n: int, k: int) -> Workload:
    return Workload(f"matmul {m}x{n}x{k}", "matmul", {"m": m, "n": n, "k": k})


def conv2d(
    label: str, n: int, c: int, h: int, w: int, f: int, kh: int, kw: int, stride: int = 1, pad: int = 0, groups: int = 1
) -> Workload:
    params = {"n": n, "c": c, "h": h, "w": w, "f": f, "kh": kh, "kw": kw, "stride": stride, "pad": pad, "groups": groups}
    return Workload(label, "conv", params)


def attention(b: int, heads: int, length: int, d: int, causal: bool = False) -> Workload:
    tag = " causal" if causal else ""
    return Workload(f"attention {heads}x{length}x{d}{tag}", "attention", {"b": b, "heads": heads, "l": length, "d": d, "causal": causal})


def default_workloads() -> list[Workload]:
    """The shapes of PERF.md."""
    return [
        conv2d("conv a 3x3 64->64 56x56", 1, 64, 56, 56, 64, 3, 3, 1, 1),
        conv2d("conv b stem 3->32 224 s2", 1, 3, 224, 224, 32, 3, 3, 2, 1),
        conv2d("conv c 3x3 256->256 14x14", 1, 256, 14, 14, 256, 3, 3, 1, 1),
        conv2d("conv d 1x1 256->64 56x56", 1, 256, 56, 56, 64, 1, 1, 1, 0),
        conv2d("conv e dw 3x3 128 56x56", 1, 128, 56, 56, 128, 3, 3, 1, 1, groups=128),
        attention(1, 8, 512, 64),
        attention(1, 8, 1024, 64),
        attention(1, 8, 2048, 64),
        matmul(512, 512, 512),
        matmul(1024, 1024, 1024),
    ]


def by_name(name: str) -> Workload:
    for workload in [*default_workloads(), *small_workloads()]:
        if workload.name == name:
            return workload
    raise KeyError(name)


def small_workloads() -> list[Workload]:
    """Quick shapes for smoke runs (--quick)."""
    return [
        conv2d("conv small 3x3 16->16 20x20", 1, 16, 20, 20, 16, 3, 3, 1, 1),
        attention(1, 2, 64, 32),
        matmul(128, 128, 128),
    ]
