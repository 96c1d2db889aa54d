"""The `affine` dialect: xDSL's, with its parser bug fixed and what it lacks added.

Re-exports every xDSL affine op. Differences, each fixed here once:

* Memory accesses written with bare SSA ids, `affine.load %A[%i, %j + 1]`, parse
  to maps over *dims*, `(d0, d1) -> (d0, d1 + 1)`, as in MLIR. xDSL's parser makes
  them symbols, `()[s0, s1] -> (s0, s1 + 1)`, which breaks every analysis that
  reads loop indices from dims.
* `affine.if` has custom syntax (xDSL only has the generic form):

      affine.if affine_set<(d0)[s0] : (d0 - s0 >= 0)>(%i)[%n] {
        ...
      } else {
        ...
      }

* `affine.max` exists (the counterpart of `affine.min`):

      %lb = affine.max affine_map<(d0) -> (0, d0 - 2)> (%i)

* Checks xDSL's verifiers lack (`verify_what_xdsl_misses`, run by
  `support.verification` on every op): an access has one index per memref
  dimension, and `affine.yield` yields what its parent returns. Without them
  `affine.load %A[%i] : memref<4x4xf32>` verifies and crashes the C emitter.

Code that builds these ops must use the classes from this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from xdsl.dialects import affine as _xdsl_affine
from xdsl.dialects.affine import (
    ApplyOp,
    ForOp,
    MinOp,
    ParallelOp,
    YieldOp,
)
from xdsl.dialects.builtin import AffineMapAttr, AffineSetAttr, IndexType, MemRefType
from xdsl.ir import Attribute, Block, Dialect, Operation, Region, SSAValue
from xdsl.ir.affine import AffineDimExpr, AffineExpr, AffineMap, AffineSet, AffineSymExpr
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

__all__ = [
    "Affine",
    "ApplyOp",
    "ForOp",
    "IfOp",
    "LoadOp",
    "MaxOp",
    "MinOp",
    "ParallelOp",
    "StoreOp",
    "VectorLoadOp",
    "VectorStoreOp",
    "YieldOp",
    "compress_map",
    "symbols_as_dims",
    "verify_what_xdsl_misses",
]


def symbols_as_dims(affine_map: AffineMap) -> AffineMap:
    """Turn every symbol of `affine_map` into a trailing dim, keeping operand order.

    `()[s0, s1] -> (s0, s1 + 1)` becomes `(d0, d1) -> (d0, d1 + 1)`.
    """
    if affine_map.num_symbols == 0:
        return affine_map
    first = affine_map.num_dims
    return affine_map.replace_dims_and_symbols(
        [AffineExpr.dimension(i) for i in range(first)],
        [AffineExpr.dimension(first + i) for i in range(affine_map.num_symbols)],
        first + affine_map.num_symbols,
        0,
    )


def _with_dims(op: Operation) -> Operation:
    attr = op.properties["map"]
    assert isinstance(attr, AffineMapAttr)
    op.properties["map"] = AffineMapAttr(symbols_as_dims(attr.data))
    return op


class LoadOp(_xdsl_affine.LoadOp):
    """`%v = affine.load %A[%i, %j + 1] : memref<8x8xf32>` (indices are dims)."""

    @classmethod
    def parse(cls, parser: Parser) -> _xdsl_affine.LoadOp:  # type: ignore[override]
        return cast(_xdsl_affine.LoadOp, _with_dims(super().parse(parser)))


class StoreOp(_xdsl_affine.StoreOp):
    """`affine.store %v, %A[%i, %j] : memref<8x8xf32>` (indices are dims)."""

    @classmethod
    def parse(cls, parser: Parser) -> _xdsl_affine.StoreOp:  # type: ignore[override]
        return cast(_xdsl_affine.StoreOp, _with_dims(super().parse(parser)))


class VectorLoadOp(_xdsl_affine.VectorLoadOp):
    """`%v = affine.vector_load %A[%i, %j] : memref<8x64xf32>, vector<16xf32>`."""

    @classmethod
    def parse(cls, parser: Parser) -> _xdsl_affine.VectorLoadOp:  # type: ignore[override]
        return cast(_xdsl_affine.VectorLoadOp, _with_dims(super().parse(parser)))


class VectorStoreOp(_xdsl_affine.VectorStoreOp):
    """`affine.vector_store %v, %A[%i, %j] : memref<8x64xf32>, vector<16xf32>`."""

    @classmethod
    def parse(cls, parser: Parser) -> _xdsl_affine.VectorStoreOp:  # type: ignore[override]
        return cast(_xdsl_affine.VectorStoreOp, _with_dims(super().parse(parser)))


def _parse_map_operands(parser: Parser, num_dims: int, num_symbols: int) -> list[SSAValue]:
    """Parse `(%d0, ...)[%s0, ...]` for a map or set with the given counts."""
    pos = parser.pos
    dims = parser.parse_optional_comma_separated_list(
        parser.Delimiter.PAREN, lambda: parser.parse_operand(IndexType())
    )
    syms = parser.parse_optional_comma_separated_list(
        parser.Delimiter.SQUARE, lambda: parser.parse_operand(IndexType())
    )
    dims, syms = dims or [], syms or []
    if len(dims) != num_dims or len(syms) != num_symbols:
        parser.raise_error(
            f"expected {num_dims} dim and {num_symbols} symbol operands, "
            f"got {len(dims)} and {len(syms)}",
            pos,
        )
    return [*dims, *syms]


def _print_map_operands(printer: Printer, operands: Sequence[SSAValue], num_dims: int) -> None:
    printer.print_string("(")
    printer.print_list(operands[:num_dims], printer.print_operand)
    printer.print_string(")")
    if len(operands) > num_dims:
        printer.print_string("[")
        printer.print_list(operands[num_dims:], printer.print_operand)
        printer.print_string("]")


@irdl_op_definition
class MaxOp(IRDLOperation):
    """The maximum of the results of an affine map.

        %lb = affine.max affine_map<(d0)[s0] -> (0, d0 - s0)> (%i)[%n]
    """

    name = "affine.max"

    arguments = var_operand_def(IndexType())
    result = result_def(IndexType())
    map = prop_def(AffineMapAttr)

    traits = traits_def(Pure())

    def __init__(self, map_operands: Sequence[SSAValue | Operation], affine_map: AffineMapAttr):
        super().__init__(
            operands=[map_operands],
            properties={"map": affine_map},
            result_types=[IndexType()],
        )

    def verify_(self) -> None:
        m = self.map.data
        if len(self.arguments) != m.num_dims + m.num_symbols:
            raise VerifyException(
                f"expects {m.num_dims + m.num_symbols} operands for its map, "
                f"got {len(self.arguments)}"
            )
        if not m.results:
            raise VerifyException("expects a map with at least one result")

    @classmethod
    def parse(cls, parser: Parser) -> MaxOp:
        pos = parser.pos
        attr = parser.parse_attribute()
        if not isinstance(attr, AffineMapAttr):
            parser.raise_error("expected an affine map", pos)
        operands = _parse_map_operands(parser, attr.data.num_dims, attr.data.num_symbols)
        return MaxOp(operands, attr)

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_attribute(self.map)
        printer.print_string(" ")
        _print_map_operands(printer, tuple(self.arguments), self.map.data.num_dims)


class IfOp(_xdsl_affine.IfOp):
    """A conditional whose condition is an integer set of the loop indices.

        affine.if affine_set<(d0)[s0] : (d0 - s0 >= 0, d0 mod 2 == 0)>(%i)[%n] {
          affine.store %x, %A[%i] : memref<64xf32>
        } else {
          affine.store %y, %A[%i] : memref<64xf32>
        }

    With results, each region ends in `affine.yield` and the result types follow
    an arrow: `%r = affine.if affine_set<...>(%i) -> f32 { ... }`.
    """

    @staticmethod
    def build_if(
        condition: AffineSet,
        operands: Sequence[SSAValue],
        then_region: Region,
        else_region: Region | None = None,
        result_types: Sequence[Attribute] = (),
    ) -> _xdsl_affine.IfOp:
        return IfOp.create(
            operands=list(operands),
            result_types=list(result_types),
            properties={"condition": AffineSetAttr(condition)},
            regions=[then_region, else_region if else_region is not None else Region()],
        )

    @classmethod
    def parse(cls, parser: Parser) -> _xdsl_affine.IfOp:  # type: ignore[override]
        pos = parser.pos
        attr = parser.parse_attribute()
        if not isinstance(attr, AffineSetAttr):
            parser.raise_error("expected an integer set (affine_set<...>)", pos)
        affine_set = attr.data
        operands = _parse_map_operands(parser, affine_set.num_dims, affine_set.num_symbols)
        result_types: list[Attribute] = []
        if parser.parse_optional_punctuation("->") is not None:
            if parser.parse_optional_punctuation("(") is not None:
                result_types = parser.parse_comma_separated_list(
                    parser.Delimiter.NONE, parser.parse_type
                )
                parser.parse_punctuation(")")
            else:
                result_types = [parser.parse_type()]
        then_region = parser.parse_region()
        else_region = Region()
        if parser.parse_optional_keyword("else") is not None:
            else_region = parser.parse_region()
        for region in (then_region, else_region):
            if not result_types and region.blocks:
                block = region.block
                if block.last_op is None or not isinstance(block.last_op, YieldOp):
                    block.add_op(YieldOp.get())
        if not then_region.blocks:
            then_region.add_block(Block([YieldOp.get()]))
        op = IfOp.build_if(affine_set, operands, then_region, else_region, result_types)
        op.attributes |= parser.parse_optional_attr_dict()
        return op

    def print(self, printer: Printer) -> None:
        affine_set = self.condition.data
        printer.print_string(" ")
        printer.print_attribute(self.condition)
        _print_map_operands(printer, tuple(self.args), affine_set.num_dims)
        if self.results:
            printer.print_string(" -> ")
            if len(self.results) == 1:
                printer.print_attribute(self.results[0].type)
            else:
                with printer.in_parens():
                    printer.print_list(self.result_types, printer.print_attribute)
        printer.print_string(" ")
        show_yields = bool(self.results)
        printer.print_region(self.then_region, print_block_terminators=show_yields)
        if _has_else(self):
            printer.print_string(" else ")
            printer.print_region(self.else_region, print_block_terminators=show_yields)
        printer.print_op_attributes(self.attributes)


def _has_else(op: _xdsl_affine.IfOp) -> bool:
    """Whether the else region does anything (an empty `affine.yield` does not)."""
    if not op.else_region.blocks:
        return False
    only = op.else_region.block.first_op
    return not (isinstance(only, YieldOp) and only.next_op is None and not op.results)


def _check_access(op: Operation) -> None:
    attr = op.properties.get("map")
    memref = op.operands[0] if op.name.endswith("load") else op.operands[1]
    if not isinstance(attr, AffineMapAttr) or not isinstance(memref.type, MemRefType):
        return
    affine_map = attr.data
    rank = memref.type.get_num_dims()
    if len(affine_map.results) != rank:
        raise VerifyException(
            f"uses {len(affine_map.results)} indices on a memref of rank {rank} ({memref.type})"
        )
    n_indices = len(op.operands) - (1 if op.name.endswith("load") else 2)
    if n_indices != affine_map.num_dims + affine_map.num_symbols:
        raise VerifyException(
            f"has {n_indices} index operands for a map of "
            f"{affine_map.num_dims + affine_map.num_symbols} dims and symbols"
        )


def _check_yield(op: Operation) -> None:
    parent = op.parent_op()
    if not isinstance(parent, _xdsl_affine.ForOp | _xdsl_affine.IfOp | _xdsl_affine.ParallelOp):
        return
    yielded = [v.type for v in op.operands]
    expected = [r.type for r in parent.results]
    if yielded != expected:
        shown = ", ".join(str(t) for t in yielded) or "nothing"
        wanted = ", ".join(str(t) for t in expected) or "nothing"
        raise VerifyException(f"yields {shown}, but its parent '{parent.name}' returns {wanted}")


_MISSING_CHECKS = {
    "affine.load": _check_access,
    "affine.store": _check_access,
    "affine.vector_load": _check_access,
    "affine.vector_store": _check_access,
    "affine.yield": _check_yield,
}


def verify_what_xdsl_misses(op: Operation) -> None:
    """Checks of affine ops that xDSL 0.74's verifiers lack (VerifyException on failure)."""
    check = _MISSING_CHECKS.get(op.name)
    if check is not None:
        check(op)


Affine = Dialect(
    "affine",
    [
        ApplyOp,
        ForOp,
        ParallelOp,
        IfOp,
        StoreOp,
        LoadOp,
        MinOp,
        MaxOp,
        YieldOp,
        VectorLoadOp,
        VectorStoreOp,
    ],
    [],
)


def compress_map(affine_map: AffineMap, operands: Sequence[SSAValue]) -> tuple[AffineMap, list[SSAValue]]:
    """Drop the dims and symbols `affine_map` does not use, with their operands.

    `(d0, d1, d2) -> (d0, d2)` over (%i, %j, %k) becomes `(d0, d1) -> (d0, d1)`
    over (%i, %k), the form the parser produces for `%A[%i, %k]`.
    """
    used = set()
    for expr in affine_map.results:
        for sub in expr.dfs():
            if isinstance(sub, AffineDimExpr):
                used.add(sub.position)
            elif isinstance(sub, AffineSymExpr):
                used.add(affine_map.num_dims + sub.position)
    dims = [i for i in range(affine_map.num_dims) if i in used]
    symbols = [i for i in range(affine_map.num_symbols) if affine_map.num_dims + i in used]
    new_dims = [AffineExpr.constant(0)] * affine_map.num_dims
    for new, old in enumerate(dims):
        new_dims[old] = AffineExpr.dimension(new)
    new_symbols = [AffineExpr.constant(0)] * affine_map.num_symbols
    for new, old in enumerate(symbols):
        new_symbols[old] = AffineExpr.symbol(new)
    compressed = affine_map.replace_dims_and_symbols(new_dims, new_symbols, len(dims), len(symbols))
    kept = [operands[i] for i in dims] + [operands[affine_map.num_dims + i] for i in symbols]
    return compressed, kept
