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


def test_entry_without_its_sidecar_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build killed between placing the library and writing its checksum."""
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    path = build(SOURCE_A, get_target("native"))
    sidecar = path.with_name(path.name + ".sha256")
    sidecar.unlink()
    assert not entry_is_valid(path)
    again = build(SOURCE_A, get_target("native"))
    assert again == path and entry_is_valid(again) and sidecar.exists()


def test_entry_with_a_garbled_sidecar_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    path = build(SOURCE_B, get_target("native"))
    path.with_name(path.name + ".sha256").write_bytes(b"\xff\xfenot a digest")
    assert not entry_is_valid(path)
    stamp = path.stat().st_mtime_ns
    assert build(SOURCE_B, get_target("native")) == path
    assert path.stat().st_mtime_ns != stamp and entry_is_valid(path)
    assert ctypes.CDLL(str(path)).answer() == 7


def test_leftovers_of_a_killed_build_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    first = build(SOURCE_A, get_target("native"))
    stale = first.with_name(first.name + ".abc123.tmp")
    stale.write_bytes(b"half a library")
    first.unlink()
    rebuilt = build(SOURCE_A, get_target("native"))
    assert rebuilt == first and entry_is_valid(rebuilt)
    assert ctypes.CDLL(str(rebuilt)).answer() == 42


def test_failed_build_keeps_the_source_and_no_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nnopt

    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    with pytest.raises(nnopt.CompileError, match=r"\.c:1:\d+: error: the C compiler rejected the generated code"):
        build("int broken(void) { return }\n", get_target("native"))
    assert len(list(tmp_path.glob("*.c"))) == 1
    assert not list(tmp_path.glob("*.so")) and not list(tmp_path.glob("*.tmp"))


def test_targets_and_flags_get_their_own_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(tmp_path))
    paths = {
        build(SOURCE_A, get_target("generic")),
        build(SOURCE_A, get_target("native")),
        build(SOURCE_A, get_target("native"), ("-DEXTRA=1",)),
    }
    assert len(paths) == 3


def test_unwritable_cache_directory_is_a_diagnostic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nnopt

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("NNOPT_CACHE_DIR", str(blocker / "cache"))
    with pytest.raises(nnopt.CompileError, match=r"cannot use the build cache directory .*NNOPT_CACHE_DIR"):
        build(SOURCE_A, get_target("native"))
