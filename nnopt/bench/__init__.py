"""Benchmarks: nnopt's generated kernels beside numpy, PyTorch and ONNX Runtime.

See `nn-bench --help` and docs/benchmarks.md. Benchmarks print numbers; tests never
assert times.
"""
