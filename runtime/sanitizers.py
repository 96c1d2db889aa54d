"""Building generated code with AddressSanitizer and UndefinedBehaviorSanitizer.

    exe = nnopt.compile(ir, sanitize=True)      # or NNOPT_SANITIZE=1 in the environment

An instrumented shared object can only be loaded into a process whose first
library is the ASan runtime, so Python must be started with it preloaded:

    LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 python ...

(`detect_leaks=0`: Python itself keeps memory alive at exit). A kernel that reads
or writes out of bounds, or hits undefined behaviour, then stops the process with
a report naming the line of the generated C. Sanitized builds are cached apart
from normal ones (their flags are part of the cache key).
"""

from __future__ import annotations

import functools
import os
import subprocess

from nnopt.runtime.targets import Target
from nnopt.support.diagnostics import CompileError

SANITIZE_FLAGS = (
    "-fsanitize=address,undefined",
    "-fno-omit-frame-pointer",
    "-fno-sanitize-recover=all",
    "-g",
)

ENVIRONMENT_VARIABLE = "NNOPT_SANITIZE"


def sanitize_requested(explicit: bool | None) -> bool:
    """`explicit` when given, else whether $NNOPT_SANITIZE is set to a true value."""
    if explicit is not None:
        return explicit
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


def asan_runtime_loaded() -> bool:
    """Whether this process has the ASan runtime mapped (it must come first to load
    an instrumented library)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return any("libasan" in line for line in maps)
    except OSError:
        return False


@functools.cache
def asan_library(compiler: str = "gcc") -> str:
    """Path of the compiler's ASan runtime (for LD_PRELOAD)."""
    try:
        done = subprocess.run(
            [compiler, "-print-file-name=libasan.so"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CompileError(f"cannot ask {compiler} for its ASan runtime: {error}") from None
    return done.stdout.strip()


def preload_environment(compiler: str = "gcc") -> dict[str, str]:
    """Environment variables a child process needs to load sanitized kernels."""
    return {
        "LD_PRELOAD": asan_library(compiler),
        "ASAN_OPTIONS": "detect_leaks=0",
        ENVIRONMENT_VARIABLE: "1",
    }


def sanitizer_flags(target: Target) -> tuple[str, ...]:
    """The extra compiler flags of a sanitized build for `target`; CompileError if it
    cannot be loaded here."""
    if not target.is_host:
        raise CompileError(
            f"sanitized builds run in this process; target '{target.name}' runs under "
            f"{target.runner[0]} (use a host target)"
        )
    if not asan_runtime_loaded():
        raise CompileError(
            "sanitized kernels need the ASan runtime loaded first: run Python with "
            f"LD_PRELOAD={asan_library(target.compiler[0])} ASAN_OPTIONS=detect_leaks=0"
        )
    return SANITIZE_FLAGS
