"""Affine-IR versions of PolyBench kernels and NN layers, with numpy references.

    from kernels import KERNELS
    kernel = KERNELS["gemm"]
    text = kernel.ir(kernel.small)            # affine IR, memref arguments, in place
    arrays = kernel.inputs(kernel.small, rng) # every argument, initialised
    expected = kernel.reference(kernel.small, arrays)   # {argument index: array}

The loop nests follow PolyBench/C 4.2 (`gemm`, `2mm`, `3mm`, `syrk`,
`jacobi-1d`, `jacobi-2d`, `seidel-2d`, `heat-3d`) in their original loop
order, and NN layers written the way a naive lowering emits them: one loop
nest per operation (`conv2d` + bias + ReLU at stride 1 and 2, `depthwise`,
`maxpool`, and `attention` as ten statements: scores, row max, exp, row sum,
weighted values, normalisation, with their initialisations). Convolution and
pooling inputs are pre-padded, so every access is in bounds.

`small` sizes are for tests (odd, so tiles are partial); `large` sizes are
PolyBench LARGE (time steps reduced for the three costliest stencils) and the
ResNet / transformer shapes of PERF.md, for `benchmarks/poly_bench.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Sizes = dict[str, int]
Arrays = list[np.ndarray]


@dataclass(frozen=True)
class Kernel:
    name: str
    small: Sizes
    large: Sizes
    ir: Callable[[Sizes], str]
    shapes: Callable[[Sizes], list[tuple[int, ...]]]
    outputs: tuple[int, ...]
    """Indices of the arguments the kernel writes."""
    reference: Callable[[Sizes, Arrays], dict[int, np.ndarray]]
    flops: Callable[[Sizes], float]
    reduces: bool
    """Has reductions a relaxed schedule may reassociate (compare with a tolerance)."""

    def inputs(self, sizes: Sizes, rng: np.random.Generator) -> Arrays:
        return [rng.uniform(-1.0, 1.0, shape).astype(np.float32) for shape in self.shapes(sizes)]


def _m(*dims: int) -> str:
    return "memref<" + "x".join(str(d) for d in dims) + "xf32>"


# -- linear algebra -------------------------------------------------------------------------


def _gemm_ir(s: Sizes) -> str:
    ni, nj, nk = s["NI"], s["NJ"], s["NK"]
    a, b, c = _m(ni, nk), _m(nk, nj), _m(ni, nj)
    return f"""
func.func @gemm(%A: {a}, %B: {b}, %C: {c}) {{
  %alpha = arith.constant 1.5 : f32
  %beta = arith.constant 1.2 : f32
  affine.for %i = 0 to {ni} {{
    affine.for %j = 0 to {nj} {{
      %c = affine.load %C[%i, %j] : {c}
      %s = arith.mulf %c, %beta : f32
      affine.store %s, %C[%i, %j] : {c}
    }}
    affine.for %k = 0 to {nk} {{
      affine.for %j = 0 to {nj} {{
        %x = affine.load %A[%i, %k] : {a}
        %y = affine.load %B[%k, %j] : {b}
        %acc = affine.load %C[%i, %j] : {c}
        %p = arith.mulf %alpha, %x : f32
        %q = arith.mulf %p, %y : f32
        %r = arith.addf %acc, %q : f32
        affine.store %r, %C[%i, %j] : {c}
      }}
    }}
  }}
  func.return
}}
"""


def _gemm_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    a, b, c = (v.astype(np.float64) for v in x)
    return {2: 1.2 * c + 1.5 * (a @ b)}


def _matmul_nest(out: str, lhs: str, rhs: str, n: int, m: int, k: int, types: tuple[str, str, str], alpha: str | None) -> str:
    """out[i, j] = 0; out[i, j] += (alpha *) lhs[i, k] * rhs[k, j]  (PolyBench order i, j, k)."""
    to, tl, tr = types
    scale = f"\n        %sc_{out} = arith.mulf {alpha}, %x_{out} : f32" if alpha else ""
    factor = f"%sc_{out}" if alpha else f"%x_{out}"
    return f"""
  affine.for %i = 0 to {n} {{
    affine.for %j = 0 to {m} {{
      affine.store %zero, %{out}[%i, %j] : {to}
      affine.for %k = 0 to {k} {{
        %x_{out} = affine.load %{lhs}[%i, %k] : {tl}{scale}
        %y_{out} = affine.load %{rhs}[%k, %j] : {tr}
        %acc_{out} = affine.load %{out}[%i, %j] : {to}
        %p_{out} = arith.mulf {factor}, %y_{out} : f32
        %r_{out} = arith.addf %acc_{out}, %p_{out} : f32
        affine.store %r_{out}, %{out}[%i, %j] : {to}
      }}
    }}
  }}"""


def _2mm_ir(s: Sizes) -> str:
    ni, nj, nk, nl = s["NI"], s["NJ"], s["NK"], s["NL"]
    tmp, a, b, c, d = _m(ni, nj), _m(ni, nk), _m(nk, nj), _m(nj, nl), _m(ni, nl)
    first = _matmul_nest("tmp", "A", "B", ni, nj, nk, (tmp, a, b), "%alpha")
    return f"""
func.func @kernel_2mm(%tmp: {tmp}, %A: {a}, %B: {b}, %C: {c}, %D: {d}) {{
  %alpha = arith.constant 1.5 : f32
  %beta = arith.constant 1.2 : f32
  %zero = arith.constant 0.0 : f32{first}
  affine.for %i = 0 to {ni} {{
    affine.for %j = 0 to {nl} {{
      %dv = affine.load %D[%i, %j] : {d}
      %ds = arith.mulf %dv, %beta : f32
      affine.store %ds, %D[%i, %j] : {d}
      affine.for %k = 0 to {nj} {{
        %x = affine.load %tmp[%i, %k] : {tmp}
        %y = affine.load %C[%k, %j] : {c}
        %acc = affine.load %D[%i, %j] : {d}
        %p = arith.mulf %x, %y : f32
        %r = arith.addf %acc, %p : f32
        affine.store %r, %D[%i, %j] : {d}
      }}
    }}
  }}
  func.return
}}
"""


def _2mm_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    _, a, b, c, d = (v.astype(np.float64) for v in x)
    tmp = 1.5 * (a @ b)
    return {0: tmp, 4: 1.2 * d + tmp @ c}


def _3mm_ir(s: Sizes) -> str:
    ni, nj, nk, nl, nm = s["NI"], s["NJ"], s["NK"], s["NL"], s["NM"]
    e, a, b, f, c, d, g = _m(ni, nj), _m(ni, nk), _m(nk, nj), _m(nj, nl), _m(nj, nm), _m(nm, nl), _m(ni, nl)
    nests = (
        _matmul_nest("E", "A", "B", ni, nj, nk, (e, a, b), None)
        + _matmul_nest("F", "C", "D", nj, nl, nm, (f, c, d), None)
        + _matmul_nest("G", "E", "F", ni, nl, nj, (g, e, f), None)
    )
    return f"""
func.func @kernel_3mm(%E: {e}, %A: {a}, %B: {b}, %F: {f}, %C: {c}, %D: {d}, %G: {g}) {{
  %zero = arith.constant 0.0 : f32{nests}
  func.return
}}
"""


def _3mm_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    _, a, b, _, c, d, _ = (v.astype(np.float64) for v in x)
    e, f = a @ b, c @ d
    return {0: e, 3: f, 6: e @ f}


def _syrk_ir(s: Sizes) -> str:
    n, m = s["N"], s["M"]
    a, c = _m(n, m), _m(n, n)
    return f"""
func.func @syrk(%A: {a}, %C: {c}) {{
  %alpha = arith.constant 1.5 : f32
  %beta = arith.constant 1.2 : f32
  affine.for %i = 0 to {n} {{
    affine.for %j = 0 to affine_map<(d0) -> (d0 + 1)>(%i) {{
      %cv = affine.load %C[%i, %j] : {c}
      %cs = arith.mulf %cv, %beta : f32
      affine.store %cs, %C[%i, %j] : {c}
    }}
    affine.for %k = 0 to {m} {{
      affine.for %j = 0 to affine_map<(d0) -> (d0 + 1)>(%i) {{
        %x = affine.load %A[%i, %k] : {a}
        %y = affine.load %A[%j, %k] : {a}
        %acc = affine.load %C[%i, %j] : {c}
        %p = arith.mulf %alpha, %x : f32
        %q = arith.mulf %p, %y : f32
        %r = arith.addf %acc, %q : f32
        affine.store %r, %C[%i, %j] : {c}
      }}
    }}
  }}
  func.return
}}
"""


def _syrk_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    a, c = (v.astype(np.float64) for v in x)
    full = 1.2 * c + 1.5 * (a @ a.T)
    lower = np.tril(np.ones_like(c, dtype=bool))
    return {1: np.where(lower, full, c)}


# -- stencils -------------------------------------------------------------------------------


def _jacobi1d_ir(s: Sizes) -> str:
    t, n = s["T"], s["N"]
    v = _m(n)

    def sweep(dst: str, src: str) -> str:
        return f"""
    affine.for %i = 1 to {n - 1} {{
      %l_{dst} = affine.load %{src}[%i - 1] : {v}
      %c_{dst} = affine.load %{src}[%i] : {v}
      %r_{dst} = affine.load %{src}[%i + 1] : {v}
      %s1_{dst} = arith.addf %l_{dst}, %c_{dst} : f32
      %s2_{dst} = arith.addf %s1_{dst}, %r_{dst} : f32
      %o_{dst} = arith.mulf %third, %s2_{dst} : f32
      affine.store %o_{dst}, %{dst}[%i] : {v}
    }}"""

    return f"""
func.func @jacobi_1d(%A: {v}, %B: {v}) {{
  %third = arith.constant 0.33333 : f32
  affine.for %t = 0 to {t} {{{sweep("B", "A")}{sweep("A", "B")}
  }}
  func.return
}}
"""


def _jacobi1d_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    a, b = (v.astype(np.float64).copy() for v in x)
    for _ in range(s["T"]):
        b[1:-1] = 0.33333 * (a[:-2] + a[1:-1] + a[2:])
        a[1:-1] = 0.33333 * (b[:-2] + b[1:-1] + b[2:])
    return {0: a, 1: b}


def _jacobi2d_ir(s: Sizes) -> str:
    t, n = s["T"], s["N"]
    v = _m(n, n)

    def sweep(dst: str, src: str) -> str:
        loads = "".join(
            f"\n        %{name}_{dst} = affine.load %{src}[{index}] : {v}"
            for name, index in (
                ("c", "%i, %j"), ("w", "%i, %j - 1"), ("e", "%i, %j + 1"), ("s", "%i + 1, %j"), ("n", "%i - 1, %j")
            )
        )
        return f"""
    affine.for %i = 1 to {n - 1} {{
      affine.for %j = 1 to {n - 1} {{{loads}
        %a1_{dst} = arith.addf %c_{dst}, %w_{dst} : f32
        %a2_{dst} = arith.addf %a1_{dst}, %e_{dst} : f32
        %a3_{dst} = arith.addf %a2_{dst}, %s_{dst} : f32
        %a4_{dst} = arith.addf %a3_{dst}, %n_{dst} : f32
        %o_{dst} = arith.mulf %fifth, %a4_{dst} : f32
        affine.store %o_{dst}, %{dst}[%i, %j] : {v}
      }}
    }}"""

    return f"""
func.func @jacobi_2d(%A: {v}, %B: {v}) {{
  %fifth = arith.constant 0.2 : f32
  affine.for %t = 0 to {t} {{{sweep("B", "A")}{sweep("A", "B")}
  }}
  func.return
}}
"""


def _jacobi2d_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    a, b = (v.astype(np.float64).copy() for v in x)

    def step(src: np.ndarray, dst: np.ndarray) -> None:
        dst[1:-1, 1:-1] = 0.2 * (src[1:-1, 1:-1] + src[1:-1, :-2] + src[1:-1, 2:] + src[2:, 1:-1] + src[:-2, 1:-1])

    for _ in range(s["T"]):
        step(a, b)
        step(b, a)
    return {0: a, 1: b}


def _seidel2d_ir(s: Sizes) -> str:
    t, n = s["T"], s["N"]
    v = _m(n, n)
    offsets = [(di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)]

    def idx(d: int, name: str) -> str:
        return f"%{name}" if d == 0 else f"%{name} {'+' if d > 0 else '-'} {abs(d)}"

    loads = "".join(
        f"\n        %v{k} = affine.load %A[{idx(di, 'i')}, {idx(dj, 'j')}] : {v}" for k, (di, dj) in enumerate(offsets)
    )
    sums = "".join(f"\n        %s{k} = arith.addf %s{k - 1}, %v{k} : f32" for k in range(2, 9))
    return f"""
func.func @seidel_2d(%A: {v}) {{
  %nine = arith.constant 9.0 : f32
  affine.for %t = 0 to {t} {{
    affine.for %i = 1 to {n - 1} {{
      affine.for %j = 1 to {n - 1} {{{loads}
        %s1 = arith.addf %v0, %v1 : f32{sums}
        %o = arith.divf %s8, %nine : f32
        affine.store %o, %A[%i, %j] : {v}
      }}
    }}
  }}
  func.return
}}
"""


def _seidel2d_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    a = x[0].astype(np.float64).copy()
    n = s["N"]
    for _ in range(s["T"]):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                a[i, j] = a[i - 1 : i + 2, j - 1 : j + 2].sum() / 9.0
    return {0: a}


def _heat3d_ir(s: Sizes) -> str:
    t, n = s["T"], s["N"]
    v = _m(n, n, n)

    def sweep(dst: str, src: str) -> str:
        def ld(name: str, index: str) -> str:
            return f"\n          %{name}_{dst} = affine.load %{src}[{index}] : {v}"

        loads = "".join(
            ld(name, index)
            for name, index in (
                ("c", "%i, %j, %k"), ("ip", "%i + 1, %j, %k"), ("im", "%i - 1, %j, %k"),
                ("jp", "%i, %j + 1, %k"), ("jm", "%i, %j - 1, %k"), ("kp", "%i, %j, %k + 1"), ("km", "%i, %j, %k - 1"),
            )
        )
        terms = ""
        for axis in ("i", "j", "k"):
            terms += f"""
          %{axis}a_{dst} = arith.mulf %two, %c_{dst} : f32
          %{axis}b_{dst} = arith.subf %{axis}p_{dst}, %{axis}a_{dst} : f32
          %{axis}c_{dst} = arith.addf %{axis}b_{dst}, %{axis}m_{dst} : f32
          %{axis}d_{dst} = arith.mulf %eighth, %{axis}c_{dst} : f32"""
        return f"""
    affine.for %i = 1 to {n - 1} {{
      affine.for %j = 1 to {n - 1} {{
        affine.for %k = 1 to {n - 1} {{{loads}{terms}
          %t1_{dst} = arith.addf %id_{dst}, %jd_{dst} : f32
          %t2_{dst} = arith.addf %t1_{dst}, %kd_{dst} : f32
          %o_{dst} = arith.addf %t2_{dst}, %c_{dst} : f32
          affine.store %o_{dst}, %{dst}[%i, %j, %k] : {v}
        }}
      }}
    }}"""

    return f"""
func.func @heat_3d(%A: {v}, %B: {v}) {{
  %two = arith.constant 2.0 : f32
  %eighth = arith.constant 0.125 : f32
  affine.for %t = 1 to {t + 1} {{{sweep("B", "A")}{sweep("A", "B")}
  }}
  func.return
}}
"""


def _heat3d_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    a, b = (v.astype(np.float64).copy() for v in x)
    inner = (slice(1, -1),) * 3

    def step(src: np.ndarray, dst: np.ndarray) -> None:
        c = src[inner]
        dst[inner] = (
            0.125 * (src[2:, 1:-1, 1:-1] - 2.0 * c + src[:-2, 1:-1, 1:-1])
            + 0.125 * (src[1:-1, 2:, 1:-1] - 2.0 * c + src[1:-1, :-2, 1:-1])
            + 0.125 * (src[1:-1, 1:-1, 2:] - 2.0 * c + src[1:-1, 1:-1, :-2])
            + c
        )

    for _ in range(s["T"]):
        step(a, b)
        step(b, a)
    return {0: a, 1: b}


# -- NN layers ------------------------------------------------------------------------------


def _conv_ir(s: Sizes) -> str:
    c, f, oh, ow, st = s["C"], s["F"], s["OH"], s["OW"], s["STRIDE"]
    ih, iw = (oh - 1) * st + 3, (ow - 1) * st + 3
    i, w, b, o, y = _m(c, ih, iw), _m(f, c, 3, 3), _m(f), _m(f, oh, ow), _m(f, oh, ow)
    return f"""
func.func @conv_bias_relu(%I: {i}, %W: {w}, %Bias: {b}, %O: {o}, %Y: {y}) {{
  %zero = arith.constant 0.0 : f32
  affine.for %f = 0 to {f} {{
    affine.for %h = 0 to {oh} {{
      affine.for %w = 0 to {ow} {{
        affine.store %zero, %O[%f, %h, %w] : {o}
      }}
    }}
  }}
  affine.for %f = 0 to {f} {{
    affine.for %h = 0 to {oh} {{
      affine.for %w = 0 to {ow} {{
        affine.for %c = 0 to {c} {{
          affine.for %r = 0 to 3 {{
            affine.for %s = 0 to 3 {{
              %x = affine.load %I[%c, %h * {st} + %r, %w * {st} + %s] : {i}
              %k = affine.load %W[%f, %c, %r, %s] : {w}
              %acc = affine.load %O[%f, %h, %w] : {o}
              %p = arith.mulf %x, %k : f32
              %q = arith.addf %acc, %p : f32
              affine.store %q, %O[%f, %h, %w] : {o}
            }}
          }}
        }}
      }}
    }}
  }}
  affine.for %f = 0 to {f} {{
    affine.for %h = 0 to {oh} {{
      affine.for %w = 0 to {ow} {{
        %v = affine.load %O[%f, %h, %w] : {o}
        %bv = affine.load %Bias[%f] : {b}
        %sum = arith.addf %v, %bv : f32
        affine.store %sum, %O[%f, %h, %w] : {o}
      }}
    }}
  }}
  affine.for %f = 0 to {f} {{
    affine.for %h = 0 to {oh} {{
      affine.for %w = 0 to {ow} {{
        %v = affine.load %O[%f, %h, %w] : {o}
        %relu = arith.maximumf %v, %zero : f32
        affine.store %relu, %Y[%f, %h, %w] : {y}
      }}
    }}
  }}
  func.return
}}
"""


def _windows(x: np.ndarray, oh: int, ow: int, stride: int) -> np.ndarray:
    """x[c, h*stride + r, w*stride + s] as an array [c, h, w, r, s]."""
    view = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(1, 2))
    return view[:, : (oh - 1) * stride + 1 : stride, : (ow - 1) * stride + 1 : stride]


def _conv_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    i, w, b, _, _ = (v.astype(np.float64) for v in x)
    patches = _windows(i, s["OH"], s["OW"], s["STRIDE"])
    o = np.einsum("chwrs,fcrs->fhw", patches, w) + b[:, None, None]
    return {3: o, 4: np.maximum(o, 0.0)}


def _depthwise_ir(s: Sizes) -> str:
    c, oh, ow = s["C"], s["OH"], s["OW"]
    i, w, o = _m(c, oh + 2, ow + 2), _m(c, 3, 3), _m(c, oh, ow)
    return f"""
func.func @depthwise(%I: {i}, %W: {w}, %O: {o}) {{
  %zero = arith.constant 0.0 : f32
  affine.for %c = 0 to {c} {{
    affine.for %h = 0 to {oh} {{
      affine.for %w = 0 to {ow} {{
        affine.store %zero, %O[%c, %h, %w] : {o}
      }}
    }}
  }}
  affine.for %c = 0 to {c} {{
    affine.for %h = 0 to {oh} {{
      affine.for %w = 0 to {ow} {{
        affine.for %r = 0 to 3 {{
          affine.for %s = 0 to 3 {{
            %x = affine.load %I[%c, %h + %r, %w + %s] : {i}
            %k = affine.load %W[%c, %r, %s] : {w}
            %acc = affine.load %O[%c, %h, %w] : {o}
            %p = arith.mulf %x, %k : f32
            %q = arith.addf %acc, %p : f32
            affine.store %q, %O[%c, %h, %w] : {o}
          }}
        }}
      }}
    }}
  }}
  func.return
}}
"""


def _depthwise_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    i, w, _ = (v.astype(np.float64) for v in x)
    return {2: np.einsum("chwrs,crs->chw", _windows(i, s["OH"], s["OW"], 1), w)}


def _maxpool_ir(s: Sizes) -> str:
    c, oh, ow = s["C"], s["OH"], s["OW"]
    i, o = _m(c, 2 * oh + 1, 2 * ow + 1), _m(c, oh, ow)
    return f"""
func.func @maxpool(%I: {i}, %O: {o}) {{
  %lowest = arith.constant 0xFF800000 : f32
  affine.for %c = 0 to {c} {{
    affine.for %h = 0 to {oh} {{
      affine.for %w = 0 to {ow} {{
        affine.store %lowest, %O[%c, %h, %w] : {o}
      }}
    }}
  }}
  affine.for %c = 0 to {c} {{
    affine.for %h = 0 to {oh} {{
      affine.for %w = 0 to {ow} {{
        affine.for %r = 0 to 3 {{
          affine.for %s = 0 to 3 {{
            %x = affine.load %I[%c, %h * 2 + %r, %w * 2 + %s] : {i}
            %m = affine.load %O[%c, %h, %w] : {o}
            %n = arith.maximumf %m, %x : f32
            affine.store %n, %O[%c, %h, %w] : {o}
          }}
        }}
      }}
    }}
  }}
  func.return
}}
"""


def _maxpool_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    return {1: _windows(x[0], s["OH"], s["OW"], 2).max(axis=(3, 4))}


def _attention_ir(s: Sizes) -> str:
    h, n, d = s["H"], s["L"], s["D"]
    q, sc, m, o = _m(h, n, d), _m(h, n, n), _m(h, n), _m(h, n, d)
    scale = 1.0 / float(np.sqrt(d))
    return f"""
func.func @attention(%Q: {q}, %K: {q}, %V: {q}, %S: {sc}, %P: {sc}, %Mx: {m}, %Sum: {m}, %O: {o}) {{
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %scale = arith.constant {scale!r} : f32
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.for %j = 0 to {n} {{
        affine.store %zero, %S[%h, %i, %j] : {sc}
      }}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.for %j = 0 to {n} {{
        affine.for %d = 0 to {d} {{
          %qv = affine.load %Q[%h, %i, %d] : {q}
          %kv = affine.load %K[%h, %j, %d] : {q}
          %sv = affine.load %S[%h, %i, %j] : {sc}
          %qk = arith.mulf %qv, %kv : f32
          %sn = arith.addf %sv, %qk : f32
          affine.store %sn, %S[%h, %i, %j] : {sc}
        }}
      }}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.store %lowest, %Mx[%h, %i] : {m}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.for %j = 0 to {n} {{
        %mv = affine.load %Mx[%h, %i] : {m}
        %sv = affine.load %S[%h, %i, %j] : {sc}
        %mn = arith.maximumf %mv, %sv : f32
        affine.store %mn, %Mx[%h, %i] : {m}
      }}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.for %j = 0 to {n} {{
        %sv = affine.load %S[%h, %i, %j] : {sc}
        %mv = affine.load %Mx[%h, %i] : {m}
        %df = arith.subf %sv, %mv : f32
        %ds = arith.mulf %df, %scale : f32
        %ev = math.exp %ds : f32
        affine.store %ev, %P[%h, %i, %j] : {sc}
      }}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.store %zero, %Sum[%h, %i] : {m}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.for %j = 0 to {n} {{
        %lv = affine.load %Sum[%h, %i] : {m}
        %pv = affine.load %P[%h, %i, %j] : {sc}
        %ln = arith.addf %lv, %pv : f32
        affine.store %ln, %Sum[%h, %i] : {m}
      }}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.for %d = 0 to {d} {{
        affine.store %zero, %O[%h, %i, %d] : {o}
      }}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.for %d = 0 to {d} {{
        affine.for %j = 0 to {n} {{
          %pv = affine.load %P[%h, %i, %j] : {sc}
          %vv = affine.load %V[%h, %j, %d] : {q}
          %ov = affine.load %O[%h, %i, %d] : {o}
          %pw = arith.mulf %pv, %vv : f32
          %on = arith.addf %ov, %pw : f32
          affine.store %on, %O[%h, %i, %d] : {o}
        }}
      }}
    }}
  }}
  affine.for %h = 0 to {h} {{
    affine.for %i = 0 to {n} {{
      affine.for %d = 0 to {d} {{
        %ov = affine.load %O[%h, %i, %d] : {o}
        %lv = affine.load %Sum[%h, %i] : {m}
        %on = arith.divf %ov, %lv : f32
        affine.store %on, %O[%h, %i, %d] : {o}
      }}
    }}
  }}
  func.return
}}
"""


def _attention_ref(s: Sizes, x: Arrays) -> dict[int, np.ndarray]:
    q, k, v = (a.astype(np.float64) for a in x[:3])
    scores = np.einsum("hid,hjd->hij", q, k)
    top = scores.max(axis=2)
    p = np.exp((scores - top[:, :, None]) / np.sqrt(s["D"]))
    total = p.sum(axis=2)
    return {3: scores, 4: p, 5: top, 6: total, 7: np.einsum("hij,hjd->hid", p, v) / total[:, :, None]}


def _conv_shapes(s: Sizes) -> list[tuple[int, ...]]:
    st = s["STRIDE"]
    ih, iw = (s["OH"] - 1) * st + 3, (s["OW"] - 1) * st + 3
    out = (s["F"], s["OH"], s["OW"])
    return [(s["C"], ih, iw), (s["F"], s["C"], 3, 3), (s["F"],), out, out]


KERNELS: dict[str, Kernel] = {
    k.name: k
    for k in [
        Kernel(
            "gemm", {"NI": 13, "NJ": 17, "NK": 19}, {"NI": 1000, "NJ": 1100, "NK": 1200},
            _gemm_ir, lambda s: [(s["NI"], s["NK"]), (s["NK"], s["NJ"]), (s["NI"], s["NJ"])], (2,),
            _gemm_ref, lambda s: 2.0 * s["NI"] * s["NJ"] * s["NK"], True,
        ),
        Kernel(
            "2mm", {"NI": 11, "NJ": 13, "NK": 15, "NL": 17}, {"NI": 800, "NJ": 900, "NK": 1100, "NL": 1200},
            _2mm_ir,
            lambda s: [(s["NI"], s["NJ"]), (s["NI"], s["NK"]), (s["NK"], s["NJ"]), (s["NJ"], s["NL"]), (s["NI"], s["NL"])],
            (0, 4), _2mm_ref, lambda s: 2.0 * s["NI"] * s["NJ"] * (s["NK"] + s["NL"]), True,
        ),
        Kernel(
            "3mm", {"NI": 9, "NJ": 11, "NK": 13, "NL": 15, "NM": 17},
            {"NI": 800, "NJ": 900, "NK": 1000, "NL": 1100, "NM": 1200},
            _3mm_ir,
            lambda s: [
                (s["NI"], s["NJ"]), (s["NI"], s["NK"]), (s["NK"], s["NJ"]), (s["NJ"], s["NL"]),
                (s["NJ"], s["NM"]), (s["NM"], s["NL"]), (s["NI"], s["NL"]),
            ],
            (0, 3, 6), _3mm_ref,
            lambda s: 2.0 * (s["NI"] * s["NJ"] * s["NK"] + s["NJ"] * s["NL"] * s["NM"] + s["NI"] * s["NL"] * s["NJ"]),
            True,
        ),
        Kernel(
            "syrk", {"N": 17, "M": 13}, {"N": 1200, "M": 1000},
            _syrk_ir, lambda s: [(s["N"], s["M"]), (s["N"], s["N"])], (1,), _syrk_ref,
            lambda s: s["N"] * (s["N"] + 1) * s["M"], True,
        ),
        Kernel(
            "jacobi-1d", {"T": 5, "N": 37}, {"T": 500, "N": 2000},
            _jacobi1d_ir, lambda s: [(s["N"],), (s["N"],)], (0, 1), _jacobi1d_ref,
            lambda s: 6.0 * s["T"] * (s["N"] - 2), False,
        ),
        Kernel(
            "jacobi-2d", {"T": 4, "N": 19}, {"T": 500, "N": 1300},
            _jacobi2d_ir, lambda s: [(s["N"], s["N"]), (s["N"], s["N"])], (0, 1), _jacobi2d_ref,
            lambda s: 10.0 * s["T"] * (s["N"] - 2) ** 2, False,
        ),
        Kernel(
            "seidel-2d", {"T": 3, "N": 15}, {"T": 100, "N": 2000},
            _seidel2d_ir, lambda s: [(s["N"], s["N"])], (0,), _seidel2d_ref,
            lambda s: 9.0 * s["T"] * (s["N"] - 2) ** 2, False,
        ),
        Kernel(
            "heat-3d", {"T": 3, "N": 11}, {"T": 100, "N": 120},
            _heat3d_ir, lambda s: [(s["N"],) * 3, (s["N"],) * 3], (0, 1), _heat3d_ref,
            lambda s: 30.0 * s["T"] * (s["N"] - 2) ** 3, False,
        ),
        Kernel(
            "conv2d", {"C": 3, "F": 5, "OH": 7, "OW": 9, "STRIDE": 1}, {"C": 64, "F": 64, "OH": 56, "OW": 56, "STRIDE": 1},
            _conv_ir, _conv_shapes, (3, 4), _conv_ref,
            lambda s: 2.0 * s["F"] * s["OH"] * s["OW"] * s["C"] * 9, True,
        ),
        Kernel(
            "conv2d-s2", {"C": 3, "F": 4, "OH": 5, "OW": 7, "STRIDE": 2},
            {"C": 3, "F": 32, "OH": 112, "OW": 112, "STRIDE": 2},
            _conv_ir, _conv_shapes, (3, 4), _conv_ref,
            lambda s: 2.0 * s["F"] * s["OH"] * s["OW"] * s["C"] * 9, True,
        ),
        Kernel(
            "depthwise", {"C": 5, "OH": 7, "OW": 9}, {"C": 128, "OH": 56, "OW": 56},
            _depthwise_ir, lambda s: [(s["C"], s["OH"] + 2, s["OW"] + 2), (s["C"], 3, 3), (s["C"], s["OH"], s["OW"])],
            (2,), _depthwise_ref, lambda s: 2.0 * s["C"] * s["OH"] * s["OW"] * 9, True,
        ),
        Kernel(
            "maxpool", {"C": 4, "OH": 6, "OW": 7}, {"C": 64, "OH": 56, "OW": 56},
            _maxpool_ir, lambda s: [(s["C"], 2 * s["OH"] + 1, 2 * s["OW"] + 1), (s["C"], s["OH"], s["OW"])],
            (1,), _maxpool_ref, lambda s: s["C"] * s["OH"] * s["OW"] * 9.0, False,
        ),
        Kernel(
            "attention", {"H": 2, "L": 11, "D": 6}, {"H": 8, "L": 512, "D": 64},
            _attention_ir,
            lambda s: [(s["H"], s["L"], s["D"])] * 3 + [(s["H"], s["L"], s["L"])] * 2 + [(s["H"], s["L"])] * 2
            + [(s["H"], s["L"], s["D"])],
            (3, 4, 5, 6, 7), _attention_ref, lambda s: 4.0 * s["H"] * s["L"] ** 2 * s["D"], True,
        ),
    ]
}
