"""Plugins: out-of-tree dialects, passes and C emission handlers.

A plugin is a Python module that, when imported, registers what it brings:

    from nnopt.registry import register_dialect, register_pass
    from nnopt.lowering.c_emitter.registry import emits

    register_dialect(Ex)                 # its ops parse, print and verify
    register_pass(ConvertExToLinalg)     # usable in --pass-pipeline, --list-passes

Plugins are found two ways, and both feed the same registries:

- by module name or file: `nn-opt --load-plugin=ex_plugin` (searched on `sys.path`,
  then in the working directory), `--load-plugin=path/to/ex_plugin.py`,
  `nnopt.compile(ir, plugins=["ex_plugin"])`;
- installed packages that declare an entry point in the `nnopt.plugins` group
  (`[project.entry-points."nnopt.plugins"] ex = "ex_plugin"`) are loaded by every
  tool and by `nnopt.compile` without being named. An entry point naming a
  function (`"ex_plugin:register"`) has that function called once.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path

from nnopt.support.diagnostics import CompileError

PLUGIN_ENTRY_POINT_GROUP = "nnopt.plugins"

_loaded_entry_points: set[str] = set()


def load_entry_point_plugins() -> list[str]:
    """Load every not yet loaded `nnopt.plugins` entry point; returns their names."""
    loaded: list[str] = []
    for entry in entry_points(group=PLUGIN_ENTRY_POINT_GROUP):
        key = f"{entry.name}={entry.value}"
        if key in _loaded_entry_points:
            continue
        try:
            target = entry.load()
            if callable(target):
                target()
        except CompileError:
            raise
        except Exception as error:
            raise CompileError(
                f"cannot load plugin entry point '{entry.name}' ({entry.value}): "
                f"{type(error).__name__}: {error}"
            ) from None
        _loaded_entry_points.add(key)
        loaded.append(entry.name)
    return loaded


def _import_file(path: Path) -> None:
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} is not a Python module")
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path.resolve()):
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise


def _import_name(name: str) -> None:
    """Import `name`; like `python -m`, also look in the working directory."""
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name.partition(".")[0] or os.getcwd() in sys.path:
            raise
        sys.path.insert(0, os.getcwd())
        try:
            importlib.import_module(name)
        finally:
            sys.path.remove(os.getcwd())


def load_plugin_module(name: str) -> None:
    """Import a plugin by module name (`ex_plugin`) or file path (`./ex_plugin.py`).

    Importing an already imported module does nothing, so plugins register once.
    """
    try:
        if name.endswith(".py") or os.sep in name:
            _import_file(Path(name))
        else:
            _import_name(name)
    except CompileError:
        raise
    except Exception as error:
        raise CompileError(f"cannot load plugin '{name}': {type(error).__name__}: {error}") from None


def load_plugins(modules: Sequence[str] = ()) -> None:
    """Load the installed entry-point plugins, then import `modules`."""
    load_entry_point_plugins()
    for name in modules:
        load_plugin_module(name)


__all__ = ["PLUGIN_ENTRY_POINT_GROUP", "load_entry_point_plugins", "load_plugin_module", "load_plugins"]
