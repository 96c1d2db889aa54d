"""Every registered pass, with a hypothesis strategy for its options.

    for name, pass_type in registered_passes().items():
        options = data.draw(option_strategy(pass_type))
        pass_ = pass_type(**options)

Passes come from `nnopt.lowering.pass_registry`, so a pass registered there is
fuzzed without touching this file. Options are drawn from their annotated types:
bool, small ints (0 included, so that passes must reject bad values cleanly),
tuples of small ints, `Literal[...]` choices, `X | None`; a string option keeps
its default unless the field lists choices in `metadata={"choices": (...)}`.
The default option set is the most likely draw and what failures shrink to.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from hypothesis import strategies as st
from xdsl.passes import ModulePass

from nnopt.lowering.pass_registry import passes_by_name

SMALL_INTS = st.integers(min_value=0, max_value=8)


def registered_passes() -> dict[str, type[ModulePass]]:
    return dict(sorted(passes_by_name().items()))


def _strategy_for(type_: Any, field: dataclasses.Field[Any]) -> st.SearchStrategy[Any] | None:
    choices = field.metadata.get("choices") if field.metadata else None
    if choices:
        return st.sampled_from(tuple(choices))
    origin = typing.get_origin(type_)
    arguments = typing.get_args(type_)
    if type_ is bool:
        return st.booleans()
    if type_ is int:
        return SMALL_INTS
    if type_ is float:
        return st.sampled_from((0.0, 0.5, 1.0, 2.0))
    if origin is typing.Literal:
        return st.sampled_from(arguments)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        inner = _strategy_for(arguments[0], field)
        return None if inner is None else st.lists(inner, max_size=3).map(tuple)
    if origin is tuple and arguments:
        parts = [_strategy_for(a, field) for a in arguments]
        return None if any(p is None for p in parts) else st.tuples(*parts)  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType) and type(None) in arguments:
        rest = [a for a in arguments if a is not type(None)]
        inner = _strategy_for(rest[0], field) if len(rest) == 1 else None
        return st.none() if inner is None else st.one_of(st.none(), inner)
    return None


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return dataclasses.MISSING


def option_strategy(pass_type: type[ModulePass]) -> st.SearchStrategy[dict[str, Any]] | None:
    """Option sets for `pass_type` (None: a required option has a type we cannot draw)."""
    hints = typing.get_type_hints(pass_type)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in dataclasses.fields(pass_type):
        if not field.init or field.name == "name":
            continue
        default = _default(field)
        drawn = _strategy_for(hints.get(field.name, field.type), field)
        if default is dataclasses.MISSING:
            if drawn is None:
                return None
            fields[field.name] = drawn
        elif drawn is None or (isinstance(default, str) and not field.metadata.get("choices")):
            fields[field.name] = st.just(default)
        else:
            # the default first: it is the likeliest draw and what failures shrink to
            fields[field.name] = st.one_of(st.just(default), drawn)
    return st.fixed_dictionaries(fields)
