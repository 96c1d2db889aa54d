"""Module verification that reports every failing op at its source location.

    errors = verification_errors(module)   # [] when the module verifies
    verify_module(module)                  # raises CompileError on the first

xDSL's `ModuleOp.verify()` stops at the first failure and attaches a dump of
the whole module; here each op is checked on its own (nested ops first, as
xDSL does) and reported as `file:line:col: error: 'op' message`.
"""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.utils.exceptions import DiagnosticException

from nnopt.dialects.affine import verify_what_xdsl_misses
from nnopt.support.diagnostics import CompileError


def _strip_prefix(message: str) -> str:
    prefix = "Operation does not verify: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _verify_op(op: Operation) -> CompileError | None:
    try:
        op.verify(verify_nested_ops=False)
        verify_what_xdsl_misses(op)
    except (DiagnosticException, ValueError) as error:
        return CompileError(_strip_prefix(str(error.args[0] if error.args else error)), op)
    except Exception as error:  # some xDSL verifiers raise a bare Exception
        return CompileError(_strip_prefix(str(error) or type(error).__name__), op)
    return None


def verification_errors(module: ModuleOp) -> list[CompileError]:
    """Every op that fails to verify, innermost first within each op."""
    errors: list[CompileError] = []
    for op in module.walk(reverse=False, region_first=True):
        error = _verify_op(op)
        if error is not None:
            errors.append(error)
    return errors


def verify_module(module: ModuleOp) -> None:
    """Raise a CompileError for the first op that fails to verify."""
    errors = verification_errors(module)
    if errors:
        raise errors[0]
