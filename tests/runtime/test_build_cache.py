"""The build cache: content-addressed, safe under concurrent builds, self-repairing."""

from __future__ import annotations

import ctypes
import multiprocessing
from pathlib import Path

import pytest

from nnopt.runtime.build import build, entry_is_valid
from nnopt.runtime.targets import get_target

SOURCE_A = "int answer(void) { return 42; }\n"
SOURCE_B = "int answer(void) { return 7; }\n"


def _build_in_child(args: tuple[str, str]) -> str:
    cache, source = args
    import os

    os.environ["NNOPT_CACHE_DIR"] = cache
    path = build(source, get_target("native"))
    return str(path)


def test_concurrent_builds_share_one_entry_per_kernel(tmp_path: Path) -> None:
    jobs = [(str(tmp_path), SOURCE_A)] * 4 + [(str(tmp_path), SOURCE_B)] * 2
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        paths = pool.map(_build_in_child, jobs)
    assert len(set(paths[:4])) == 1 and len(set(paths[4:])) == 1 and paths[0] != paths[4]
    built = sorted(tmp_path.glob("*.so"))
    assert len(built) == 2
    assert all(entry_is_valid(p) for p in built)
    assert not list(tmp_path.glob("*.tmp")), "temporary files left behind"
    assert ctypes.CDLL(paths[0]).answer() == 42
    assert ctypes.CDLL(paths[4]).answer() == 7


def test_damaged_entry_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    source = "int value(void) { return 5; }\n"
    path = build(source, get_target("native"))
    good = path.read_bytes()
    path.write_bytes(b"\0" * len(good))  # damage the entry
    assert not entry_is_valid(path)
    again = build(source, get_target("native"))
    assert again == path and entry_is_valid(again)
    assert ctypes.CDLL(str(again)).value() == 5


def test_same_source_is_not_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    first = build(SOURCE_A, get_target("native"))
    stamp = first.stat().st_mtime_ns
    second = build(SOURCE_A, get_target("native"))
    assert second == first and second.stat().st_mtime_ns == stamp
    assert first.with_suffix(".c").read_text() == SOURCE_A
