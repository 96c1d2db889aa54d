"""The C compiler driver and the build cache.

    path = build(source, target, kind="shared")   # cached by content hash

The cache lives in $NNOPT_CACHE_DIR (default ~/.cache/nnopt). An entry is
`<key>.c` (kept, so compiler errors can point at it), the built file and a
`.sha256` sidecar; every file is written under a temporary name and renamed into
place, so concurrent builds of the same kernel from several processes never see
a half-written file, and an entry whose bytes do not match its sidecar (damaged)
is rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import subprocess
import tempfile
from pathlib import Path

from nnopt.runtime.targets import Target
from nnopt.support.diagnostics import CompileError, SourceLocation

BUILD_TIMEOUT_S = 600


def cache_dir() -> Path:
    root = os.environ.get("NNOPT_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "nnopt"
    )
    path = Path(root)
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK):
            raise PermissionError(f"cannot write to {path}")
    except OSError as error:
        raise CompileError(
            f"cannot use the build cache directory {path}: {error}; set NNOPT_CACHE_DIR to a writable directory"
        ) from None
    return path


@functools.cache
def compiler_identity(compiler: tuple[str, ...]) -> str:
    """The compiler's own version line (part of every cache key)."""
    try:
        done = subprocess.run(
            [*compiler, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CompileError(f"cannot run the C compiler {compiler[0]}: {error}") from None
    return done.stdout.splitlines()[0] if done.stdout else compiler[0]


def _write_atomic(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entry_is_valid(built: Path) -> bool:
    sidecar = built.with_name(built.name + ".sha256")
    try:
        return built.exists() and sidecar.read_bytes().strip() == _digest(built).encode()
    except OSError:
        return False


def build_key(source: str, target: Target, command_flags: tuple[str, ...], extra: str = "") -> str:
    hasher = hashlib.sha256()
    for part in (source, target.name, compiler_identity(target.compiler), *command_flags, extra):
        hasher.update(part.encode())
        hasher.update(b"\0")
    return hasher.hexdigest()[:32]


_COMPILER_ERROR = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?:fatal )?error: (?P<message>.*)$", re.MULTILINE)


def compiler_error(c_file: Path, status: int, output: str, command: list[str]) -> CompileError:
    """A CompileError at the first error the C compiler reported (in the kept .c file)."""
    details = f"C compiler failed on {c_file} (exit {status}):\n{output}\ncommand: {' '.join(command)}"
    first = _COMPILER_ERROR.search(output)
    if first is None:
        return CompileError(details)
    return CompileError(
        f"the C compiler rejected the generated code: {first['message']}",
        location=SourceLocation(first["file"], int(first["line"]), int(first["column"])),
        excerpt=details,
    )


def build(source: str, target: Target, extra_flags: tuple[str, ...] = (), force: bool = False) -> Path:
    """Compile `source` for `target` (a shared object or, for cross targets, an executable)."""
    target.check_available()
    openmp = "#pragma omp" in source
    suffix = ".so" if target.is_host else ".exe"
    probe = target.compile_command("x.c", "x" + suffix, openmp)
    key = build_key(source, target, (*probe, *extra_flags))
    directory = cache_dir()
    c_file = directory / f"{key}.c"
    built = directory / f"{key}{suffix}"
    if not force and entry_is_valid(built):
        return built
    _write_atomic(c_file, source.encode())
    fd, temp_out = tempfile.mkstemp(dir=directory, prefix=built.name + ".", suffix=".tmp")
    os.close(fd)
    command = target.compile_command(str(c_file), temp_out, openmp)
    command[1:1] = list(extra_flags)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        Path(temp_out).unlink(missing_ok=True)
        raise CompileError(f"C compiler failed to run on {c_file}: {error}") from None
    if done.returncode != 0:
        Path(temp_out).unlink(missing_ok=True)
        raise compiler_error(c_file, done.returncode, (done.stderr or done.stdout).strip(), command)
    os.replace(temp_out, built)
    _write_atomic(built.with_name(built.name + ".sha256"), _digest(built).encode())
    return built
