"""ONNX import: an ONNX model -> a module with one func.func of graph ops.

    module = import_onnx("model.onnx", input_shapes={"x": (1, 3, 224, 224)})
    exe = nnopt.compile(module)

Covered (opsets 13-25, and earlier versions where they differ only in types):
Conv, MatMul, Gemm, Add, Sub, Mul, Div, Max, Min, Pow, Relu, Gelu, Sigmoid, Tanh,
Exp, Log, Sqrt, Erf, Clip, Softmax, LayerNormalization, BatchNormalization,
MaxPool, AveragePool, GlobalAveragePool, Transpose, Reshape, Flatten, Concat,
Pad, ReduceSum, ReduceMean, ReduceMax, Attention, Constant, Identity. Anything
else (an op, an attribute value, a dynamic shape, a non-float tensor where a
float one flows) is a CompileError naming the node by name and op type.

The `onnx` package is needed (the `nn-opt[onnx]` extra).
"""

from __future__ import annotations

from nnopt.lowering.onnx_to_graph.api import import_onnx, load_model, static_graph_inputs

__all__ = ["import_onnx", "load_model", "static_graph_inputs"]
