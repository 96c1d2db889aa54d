"""Fenced code blocks of a Markdown document, with their tags.

    ```mlir {run="nn-opt %s -p lower-to-affine"}
    ...
    ```

gives Block(language="mlir", attributes={"run": "nn-opt %s -p lower-to-affine"},
text=..., line=...). A bare word in braces is a flag: {output} -> {"output": ""}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^```(\w*)\s*(\{.*\})?\s*$")
_ATTRIBUTE = re.compile(r'([\w-]+)(?:="((?:[^"\\]|\\.)*)")?')


@dataclass(frozen=True)
class Block:
    language: str
    attributes: dict[str, str]
    text: str
    line: int
    """Line of the opening fence (1-based)."""


def parse_attributes(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    inner = text.strip()[1:-1]
    return {m.group(1): (m.group(2) or "").replace('\\"', '"') for m in _ATTRIBUTE.finditer(inner)}


def fenced_blocks(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].rstrip() != "```":
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise ValueError(f"line {start + 1}: code block is not closed")
        blocks.append(Block(match.group(1), parse_attributes(match.group(2)), "\n".join(body) + "\n", start + 1))
        i += 1
    return blocks
