"""Run every code block of one Markdown document, in order, in the working directory.

    python tests/docs/run_doc.py docs/tc.md

| block | what happens |
|---|---|
| ```python | executed; all python blocks of a document share one namespace |
| ```python {file="p.py"} | written to p.py (a plugin, a script), not executed |
| ```mlir / ```tc | checked: `nn-opt` parses and verifies it / `nn-import` imports it |
| ```mlir {file="m.mlir"} | written to m.mlir (then checked as above) |
| ```mlir {run="nn-opt %s -p x"} | the command runs with %s = the block in a file |
| ```mlir {error} / ```tc {error} | must be rejected (its diagnostics become the output) |
| ```sh {run} | each line runs in bash |
| ```text {output} (or c, mlir, dot) | every line must appear, in order, in the last output |
| ```sh, ```text, ```c ... | shown only |

Exits 1 with the document's line number at the first failure.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.docs.doc_blocks import Block, fenced_blocks

SUFFIXES = {"mlir": ".mlir", "tc": ".tc"}
CHECKERS = {"mlir": "nn-opt %s", "tc": "nn-import %s"}


class DocFailure(Exception):
    pass


class DocRunner:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.namespace: dict[str, object] = {"__name__": "__doc__"}
        self.last_output = ""
        self.env = dict(os.environ)
        self.env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), self.env.get("PATH", "")])
        self.counter = 0

    def fail(self, block: Block, message: str) -> DocFailure:
        return DocFailure(f"{self.path}:{block.line}: {block.language} block: {message}")

    def shell(self, block: Block, command: str, expect_failure: bool = False) -> None:
        done = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {command}"],
            capture_output=True, text=True, env=self.env, timeout=600, check=False,
        )
        failed = done.returncode != 0
        if failed != expect_failure:
            what = "succeeded but should fail" if expect_failure else f"failed ({done.returncode})"
            raise self.fail(block, f"`{command}` {what}:\n{done.stdout}{done.stderr}")
        self.last_output = done.stderr if expect_failure else done.stdout

    def python(self, block: Block) -> None:
        code = compile(block.text, f"{self.path}:{block.line}", "exec")
        captured = io.StringIO()
        try:
            with contextlib.redirect_stdout(captured):
                exec(code, self.namespace)
        except Exception:
            raise self.fail(block, traceback.format_exc()) from None
        self.last_output = captured.getvalue()

    def source(self, block: Block) -> None:
        name = block.attributes.get("file")
        if not name:
            self.counter += 1
            name = f"snippet{self.counter}{SUFFIXES[block.language]}"
        Path(name).write_text(block.text, encoding="utf-8")
        command = block.attributes.get("run", CHECKERS[block.language])
        self.shell(block, command.replace("%s", name), expect_failure="error" in block.attributes)

    def output(self, block: Block) -> None:
        position = 0
        for line in block.text.splitlines():
            wanted = line.strip()
            if not wanted or wanted == "...":
                continue
            found = self.last_output.find(wanted, position)
            if found < 0:
                raise self.fail(block, f"expected output line not found: {wanted!r}\nin:\n{self.last_output}")
            position = found + len(wanted)

    def run(self) -> int:
        blocks = fenced_blocks(self.path.read_text(encoding="utf-8"))
        for block in blocks:
            if "output" in block.attributes:
                self.output(block)
            elif block.language == "python" and "file" in block.attributes:
                Path(block.attributes["file"]).write_text(block.text, encoding="utf-8")
            elif block.language == "python":
                self.python(block)
            elif block.language in SUFFIXES:
                self.source(block)
            elif block.language == "sh" and "run" in block.attributes:
                for line in block.text.splitlines():
                    if line.strip() and not line.lstrip().startswith("#"):
                        self.shell(block, line)
        return len(blocks)


def main() -> int:
    path = Path(sys.argv[1]).resolve()
    try:
        count = DocRunner(path).run()
    except DocFailure as failure:
        print(failure, file=sys.stderr)
        return 1
    print(f"{path}: {count} blocks ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
