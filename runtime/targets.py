"""Targets: what each knows about its compiler, flags, vector width and how to run.

    target = get_target("native")        # the best x86 target this CPU runs
    target.compile_command("k.c", "k.so")
    target.vector_bits                   # 512 for x86-avx512

Cross targets (aarch64-neon, riscv64-rvv) build static executables that run under
qemu-user; host targets build shared objects loaded in-process.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
from dataclasses import dataclass, field

from nnopt.support.diagnostics import CompileError


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    compiler: tuple[str, ...]
    flags: tuple[str, ...]
    vector_bits: int
    """Width of one SIMD register in bits (0: no SIMD assumed)."""
    features: frozenset[str] = field(default_factory=frozenset)
    """ISA features the emitter may use (avx512f, avx2, fma, neon, rvv)."""
    openmp: bool = True
    runner: tuple[str, ...] = ()
    """Command prefix that runs a built executable (qemu for cross targets)."""
    link_flags: tuple[str, ...] = ("-lm",)

    @property
    def is_host(self) -> bool:
        """Whether kernels for this target are loaded into this process."""
        return not self.runner

    @property
    def vector_lanes_f32(self) -> int:
        return self.vector_bits // 32

    def missing_tools(self) -> list[str]:
        """Programs this target needs that are not on PATH."""
        tools = [self.compiler[0], *self.runner[:1]]
        return [tool for tool in tools if shutil.which(tool) is None]

    def check_available(self) -> None:
        missing = self.missing_tools()
        if missing:
            raise CompileError(
                f"target '{self.name}' needs {', '.join(missing)}, which is not installed "
                "(see docs/targets.md for the packages)"
            )

    def compile_command(self, source: str, output: str, openmp: bool) -> list[str]:
        kind = ["-shared", "-fPIC"] if self.is_host else ["-static"]
        omp = ["-fopenmp"] if openmp and self.openmp else []
        return [*self.compiler, *self.flags, *kind, *omp, source, "-o", output, *self.link_flags]


_COMMON = ("-O3", "-std=gnu11", "-fno-math-errno")

TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        Target(
            "x86-avx512",
            "x86-64 with AVX-512 (F, BW, DQ, VL) and FMA; 512-bit vectors",
            ("gcc",),
            (*_COMMON, "-march=x86-64-v4", "-mtune=native", "-mprefer-vector-width=512"),
            512,
            frozenset({"sse", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"}),
        ),
        Target(
            "x86-avx2",
            "x86-64 with AVX2 and FMA; 256-bit vectors",
            ("gcc",),
            (*_COMMON, "-march=x86-64-v3", "-mtune=native"),
            256,
            frozenset({"sse", "avx", "avx2", "fma"}),
        ),
        Target(
            "generic",
            "portable C for the host, no target-specific SIMD",
            ("cc",),
            _COMMON,
            0,
        ),
        Target(
            "aarch64-neon",
            "ARM64 with NEON (armv8.2-a + fp16 + dotprod), run under qemu-aarch64",
            ("aarch64-linux-gnu-gcc",),
            (*_COMMON, "-march=armv8.2-a+fp16+dotprod"),
            128,
            frozenset({"neon"}),
            runner=("qemu-aarch64",),
        ),
        Target(
            "riscv64-rvv",
            "RISC-V 64 with the V extension at VLEN=256 (clang-16), run under qemu-riscv64",
            ("clang-16", "--target=riscv64-linux-gnu"),
            (*_COMMON, "-march=rv64gcv"),
            256,
            frozenset({"rvv"}),
            openmp=False,
            runner=("qemu-riscv64", "-cpu", "rv64,v=true,vlen=256,vext_spec=v1.0"),
        ),
    )
}


@functools.cache
def _host_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def native_target_name() -> str:
    """The fastest target whose code this machine runs."""
    if platform.machine() in ("x86_64", "AMD64"):
        flags = _host_flags()
        if {"avx512f", "avx512bw", "avx512dq", "avx512vl", "fma"} <= flags:
            return "x86-avx512"
        if {"avx2", "fma"} <= flags:
            return "x86-avx2"
    return "generic"


def get_target(name: str) -> Target:
    """The target called `name` ("native" picks the best host target)."""
    if name == "native":
        name = os.environ.get("NNOPT_NATIVE_TARGET", native_target_name())
    if name not in TARGETS:
        raise CompileError(
            f"unknown target '{name}'; choose one of: native, {', '.join(TARGETS)}"
        )
    return TARGETS[name]
