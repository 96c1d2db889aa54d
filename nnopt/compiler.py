"""nnopt.compile: IR at any level -> optimised -> C -> built -> loaded.

    exe = nnopt.compile(text)                        # default pipeline, native target
    exe = nnopt.compile(text, pipeline="")           # no optimisation, only conversions
    exe = nnopt.compile(text, pipeline="builtin.module(lower-to-affine)")
    exe = nnopt.compile(text, sanitize=True)         # ASan + UBSan (see runtime/sanitizers.py)
    exe = nnopt.compile(text, pipeline="convert-ex-to-linalg", plugins=["ex_plugin"])

`pipeline=None` runs the default optimising pipeline for the target; a pipeline
string runs exactly those passes, then only the conversions still needed to
reach C. Every failure is a CompileError (or ArgumentError at call time).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp

from nnopt.executable import CompiledFunction, Executable, Kernel
from nnopt.lowering.c_emitter import EmitOptions, emit_c
from nnopt.lowering.pipeline import DefaultPipeline, lower_to_c_ready, parse_pipeline, run_pass
from nnopt.plugins import load_plugins
from nnopt.registry import make_context
from nnopt.runtime.build import build
from nnopt.runtime.calling import NativeKernel, load_library
from nnopt.runtime.emulated import EmulatedKernel, harness_source
from nnopt.runtime.sanitizers import sanitize_requested, sanitizer_flags
from nnopt.runtime.targets import Target, get_target
from nnopt.signatures import signature_of
from nnopt.support.diagnostics import CompileError
from nnopt.support.parsing import parse_module
from nnopt.support.verification import verify_module


def load_ir(ir: str | ModuleOp, ctx: Context, file_name: str = "<input>") -> ModuleOp:
    """A verified module from IR text or a (cloned) ModuleOp."""
    module = parse_module(ctx, ir, file_name) if isinstance(ir, str) else ir.clone()
    verify_module(module)
    return module


def lower_module(ctx: Context, module: ModuleOp, target: Target, pipeline: str | None) -> None:
    """Run the optimisation pipeline, then whatever conversions reach C."""
    passes = [DefaultPipeline(target=target.name)] if pipeline is None else parse_pipeline(pipeline)
    for pass_ in passes:
        run_pass(ctx, module, pass_)
    lower_to_c_ready(ctx, module)


def emit_options(target: Target) -> EmitOptions:
    return EmitOptions(openmp=target.openmp, vector_features=target.features)


def public_functions(module: ModuleOp) -> list[func.FuncOp]:
    return [
        op
        for op in module.body.block.ops
        if isinstance(op, func.FuncOp)
        and not op.is_declaration
        and (op.sym_visibility is None or op.sym_visibility.data != "private")
    ]


def compile(
    ir: str | ModuleOp,
    target: str = "native",
    pipeline: str | None = None,
    plugins: Sequence[str] = (),
    sanitize: bool | None = None,
) -> Executable:
    """Compile IR (text or module, any level) for `target` and load it.

    `plugins` names modules to import first (see `nnopt.plugins`); installed
    `nnopt.plugins` entry points and already registered dialects and passes
    are always available. `sanitize=True` (default: $NNOPT_SANITIZE) builds
    with AddressSanitizer and UndefinedBehaviorSanitizer; see
    `nnopt.runtime.sanitizers`.
    """
    load_plugins(plugins)
    target_info = get_target(target)
    extra_flags = sanitizer_flags(target_info) if sanitize_requested(sanitize) else ()
    ctx = make_context()
    module = load_ir(ir, ctx)
    lower_module(ctx, module, target_info, pipeline)
    source = emit_c(module, emit_options(target_info))
    functions = public_functions(module)
    if not functions:
        raise CompileError("the module has no public function to compile")
    signatures = [signature_of(function) for function in functions]
    if target_info.is_host:
        artifact = build(source, target_info, extra_flags)
        library = load_library(artifact)
        kernels: list[Kernel] = [NativeKernel(library, sig) for sig, _ in signatures]
    else:
        artifact = build(source + "\n" + harness_source([sig for sig, _ in signatures]), target_info)
        kernels = [EmulatedKernel(artifact, target_info, sig) for sig, _ in signatures]
    compiled = {
        sig.name: CompiledFunction(sig, n_outputs, kernel)
        for (sig, n_outputs), kernel in zip(signatures, kernels, strict=True)
    }
    return Executable(compiled, source, module, target_info, artifact)
