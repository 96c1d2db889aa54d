"""The polyhedral model of a piece of affine code (a SCoP).

A SCoP is a run of consecutive `affine.for` nests in one block. Its
*statements* are the groups of consecutive non-loop ops in the loop bodies
(`S0`, `S1`, ... in program order); each has

* an iteration domain, `[p0_n] -> { S1[i, j] : 0 <= i < p0_n and 0 <= j < 64 }`,
  from the enclosing loop bounds (multi-result max/min bounds, steps) and
  `affine.if` conditions (an else branch is the domain minus the condition);
* read and write access relations, `{ S1[i, j] -> A_x[i, j + 1] }`, one per
  `affine.load` / `affine.store`;
* its place in the original order, the "2d+1" schedule
  `{ S1[i, j] -> [0, i, 1, j, 0] }` (positions in blocks interleaved with indices).

Arrays are the root buffers of the memrefs accessed (views resolved through
`memory_access.root_buffer`); a buffer accessed through memref types of
different shape or layout is modelled by its linear element offset.

See `extraction.py` for how a SCoP is found and built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import islpy as isl
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineExpr

from nnopt.passes.polyhedral.affine_forms import LinearForm, ParameterTable, linear_form


@dataclass
class ArrayInfo:
    """One buffer of the SCoP, as isl sees it."""

    name: str
    root: SSAValue | str
    """The root SSA value, or the symbol name of a global."""
    element_bytes: int
    linearized: bool
    """True when accesses use the linear element offset instead of the indices."""
    extents: tuple[int, ...] = ()
    """Elements along each accessed dimension (one, the buffer size, when linearized)."""


@dataclass
class Access:
    """One affine.load or affine.store of a statement."""

    op: Operation
    array: str
    is_write: bool
    indices: list[AffineExpr]
    """Index expressions over the statement's loop indices (dims) and parameters (symbols)."""
    strides: tuple[int, ...]
    """Element strides of the accessed memref type, one per index."""
    relation: isl.Map

    def address_form(self, num_dims: int, num_params: int) -> LinearForm | None:
        """The linear element offset as a form of the statement's indices, if linear."""
        total: LinearForm | None = LinearForm((0,) * num_dims, (0,) * num_params, 0)
        for index, stride in zip(self.indices, self.strides, strict=True):
            form = linear_form(index, num_dims, num_params)
            if form is None or total is None:
                return None
            total = total.plus(form.scaled(stride))
        return total


@dataclass
class Statement:
    name: str
    position: int
    """Index of the statement in program order."""
    ops: list[Operation]
    support_ops: list[Operation]
    """Side-effect-free ops outside the statement whose values it uses (cloned with it)."""
    ivs: list[SSAValue]
    """Enclosing loop indices, outermost first."""
    dim_names: list[str]
    domain: isl.Set
    original_schedule: isl.Map
    accesses: list[Access] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return len(self.ivs)

    @property
    def anchor(self) -> Operation:
        return self.ops[0]

    def writes(self) -> list[Access]:
        return [a for a in self.accesses if a.is_write]

    def reads(self) -> list[Access]:
        return [a for a in self.accesses if not a.is_write]


@dataclass
class Scop:
    ctx: isl.Context
    loops: list[Operation]
    """The top-level loop nests the SCoP replaces, in order."""
    hoisted: list[Operation]
    """Side-effect-free ops between the nests, moved before the SCoP when it is rewritten."""
    params: ParameterTable
    context: isl.Set
    statements: list[Statement]
    arrays: dict[str, ArrayInfo]

    @property
    def anchor(self) -> Operation:
        return self.loops[0]

    def statement(self, name: str) -> Statement:
        for statement in self.statements:
            if statement.name == name:
                return statement
        raise KeyError(name)

    def domain(self) -> isl.UnionSet:
        result = isl.UnionSet.empty(self.context.get_space())
        for statement in self.statements:
            result = result.union(isl.UnionSet.from_set(statement.domain))
        return result

    def original_schedule(self) -> isl.UnionMap:
        return self._union(lambda s: [s.original_schedule])

    def reads(self) -> isl.UnionMap:
        return self._union(lambda s: [a.relation for a in s.reads()])

    def writes(self) -> isl.UnionMap:
        return self._union(lambda s: [a.relation for a in s.writes()])

    def _union(self, pick: Callable[[Statement], list[isl.Map]]) -> isl.UnionMap:
        result = isl.UnionMap.empty(self.context.get_space())
        for statement in self.statements:
            for relation in pick(statement):
                result = result.union(isl.UnionMap.from_map(relation))
        return result
