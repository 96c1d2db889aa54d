"""Tensor comprehensions: einsum-style statements -> linalg on tensors.

    def softmax(X: f32[4,10]) -> Y {
      M[i] max= X[i,j]                  # reductions: +=  *=  max=  min=
      E[i,j] = exp(X[i,j] - M[i])       # scalar math: exp log sqrt tanh max min ...
      S[i] += E[i,j]
      Y[i,j] = E[i,j] / S[i]
    }

    module = import_tc(text, "softmax.tc")     # a func of linalg.generic ops

Index ranges are inferred from the accesses (`ranges.py`); indices that appear
only on the right-hand side are reductions; `where k in 0:N` declares a range no
access gives. Pipeline: syntax.py (lark, tc.lark) -> analysis.py -> to_linalg.py.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from nnopt.lowering.tc.analysis import check_functions
from nnopt.lowering.tc.syntax import SourceText, parse_tc
from nnopt.lowering.tc.to_linalg import build_module
from nnopt.support.verification import verify_module


def import_tc(text: str, file_name: str = "<tc>") -> ModuleOp:
    """A verified module of linalg-on-tensors functions; CompileError with a
    `file:line:col` location for every syntax or meaning error."""
    source = SourceText(text, file_name)
    plans = check_functions(parse_tc(text, file_name), source)
    module = build_module(plans, file_name)
    verify_module(module)
    return module


__all__ = ["import_tc"]
