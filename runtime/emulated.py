"""Running generated functions built for another ISA, under qemu-user.

A cross target builds one static executable: the generated C plus a small
harness `main` (written here from the function's Signature) that reads every
argument from a binary file, calls the function, and writes back the buffers the
function writes. Calling the kernel writes the inputs, runs

    qemu-aarch64 ./kernel.exe <dir>

and reads the outputs back into the caller's arrays.

    kernel = EmulatedKernel(executable_path, target, signature)
    kernel([x, out])     # same checks and in-place semantics as NativeKernel
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nnopt.runtime.calling import KernelError, Signature, check_arguments
from nnopt.runtime.targets import Target

RUN_TIMEOUT_S = 600

_C_TYPES = {
    np.dtype(np.float32): "float",
    np.dtype(np.float64): "double",
    np.dtype(np.int8): "int8_t",
    np.dtype(np.int16): "int16_t",
    np.dtype(np.int32): "int32_t",
    np.dtype(np.int64): "int64_t",
    np.dtype(np.bool_): "bool",
    np.dtype(np.intp): "intptr_t",
}


def harness_source(signatures: Sequence[Signature]) -> str:
    """C `main` that runs the function named by argv[1] on files in argv[2]."""
    lines = [
        "#include <stdio.h>",
        "",
        "static void *nn_read(const char *dir, int index, size_t bytes) {",
        "  char path[4096];",
        '  snprintf(path, sizeof path, "%s/arg%d.bin", dir, index);',
        "  void *data = nn_alloc(bytes);",
        "  FILE *f = fopen(path, \"rb\");",
        "  if (!data || !f || (bytes && fread(data, 1, bytes, f) != bytes)) {",
        '    fprintf(stderr, "cannot read %s\\n", path);',
        "    exit(3);",
        "  }",
        "  fclose(f);",
        "  return data;",
        "}",
        "",
        "static void nn_write(const char *dir, int index, const void *data, size_t bytes) {",
        "  char path[4096];",
        '  snprintf(path, sizeof path, "%s/arg%d.out", dir, index);',
        "  FILE *f = fopen(path, \"wb\");",
        "  if (!f || (bytes && fwrite(data, 1, bytes, f) != bytes)) {",
        '    fprintf(stderr, "cannot write %s\\n", path);',
        "    exit(3);",
        "  }",
        "  fclose(f);",
        "}",
        "",
        "int main(int argc, char **argv) {",
        "  if (argc != 3) return 2;",
        "  const char *dir = argv[2];",
    ]
    for signature in signatures:
        lines.append(f'  if (strcmp(argv[1], "{signature.name}") == 0) {{')
        call_args: list[str] = []
        for i, param in enumerate(signature.params):
            ctype = _C_TYPES[param.dtype]
            if param.shape is None:
                lines.append(f"    {ctype} a{i} = *({ctype} *)nn_read(dir, {i}, sizeof({ctype}));")
            else:
                count = int(np.prod(param.shape, dtype=np.int64))
                lines.append(f"    {ctype} *a{i} = ({ctype} *)nn_read(dir, {i}, {count} * sizeof({ctype}));")
            call_args.append(f"a{i}")
        for j, dtype in enumerate(signature.scalar_results):
            lines.append(f"    {_C_TYPES[np.dtype(dtype)]} r{j};")
            call_args.append(f"&r{j}")
        lines.append(f"    if ({signature.name}({', '.join(call_args)})) return 4;")
        for i, param in enumerate(signature.params):
            if param.shape is not None and param.writes:
                count = int(np.prod(param.shape, dtype=np.int64))
                lines.append(f"    nn_write(dir, {i}, a{i}, {count} * sizeof({_C_TYPES[param.dtype]}));")
        for j, dtype in enumerate(signature.scalar_results):
            lines.append(f"    nn_write(dir, {1000 + j}, &r{j}, sizeof({_C_TYPES[np.dtype(dtype)]}));")
        lines.append("    return 0;")
        lines.append("  }")
    lines.append('  fprintf(stderr, "unknown function %s\\n", argv[1]);')
    lines.append("  return 2;")
    lines.append("}")
    return "\n".join(lines) + "\n"


class EmulatedKernel:
    """A generated function in a cross-built executable, run under qemu."""

    def __init__(self, executable: Path, target: Target, signature: Signature) -> None:
        self.executable = executable
        self.target = target
        self.signature = signature

    def __call__(self, args: Sequence[object]) -> list[object]:
        checked = check_arguments(self.signature, args)
        with tempfile.TemporaryDirectory(prefix="nnopt-run-") as directory:
            folder = Path(directory)
            for i, (param, arg) in enumerate(zip(self.signature.params, checked, strict=True)):
                data = np.asarray(arg, dtype=param.dtype)
                (folder / f"arg{i}.bin").write_bytes(data.tobytes())
            command = [*self.target.runner, str(self.executable), self.signature.name, directory]
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                raise KernelError(f"cannot run {' '.join(command)}: {error}") from None
            if done.returncode == 4:
                raise KernelError(f"{self.signature.name} failed: could not allocate its buffers")
            if done.returncode != 0:
                raise KernelError(
                    f"{' '.join(command)} exited with status {done.returncode}: {done.stderr.strip()}"
                )
            for i, (param, arg) in enumerate(zip(self.signature.params, checked, strict=True)):
                if param.shape is not None and param.writes:
                    assert isinstance(arg, np.ndarray)
                    data = np.frombuffer((folder / f"arg{i}.out").read_bytes(), dtype=param.dtype)
                    arg[...] = data.reshape(param.shape)
            return [
                np.frombuffer((folder / f"arg{1000 + j}.out").read_bytes(), dtype=dtype)[0].item()
                for j, dtype in enumerate(self.signature.scalar_results)
            ]
