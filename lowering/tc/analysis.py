"""Meaning of a tensor comprehension: names, ranks, types, reductions and ranges.

Each statement becomes a `StatementPlan`: its loops (the left-hand side's indices,
parallel, then the others, reductions), their ranges, the distinct accesses it
reads and the type of the tensor it defines.

    def mm(A: f32[4,8], B: f32[8,16]) -> C {
      C[i,j] += A[i,k] * B[k,j]
    }
gives one plan with loops [i, j, k], ranges {i: 4, j: 16, k: 8}, reductions {k}
and result f32[4,16].

Every mistake is a CompileError at the line and column it is about.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnopt.lowering.tc.functions import SCALAR_FUNCTIONS
from nnopt.lowering.tc.ranges import Constraint, infer_ranges
from nnopt.lowering.tc.syntax import (
    Access,
    Binary,
    Call,
    Expr,
    Function,
    Negate,
    Param,
    Position,
    SourceText,
    Statement,
    accesses,
)

ELEMENT_TYPES = ("f32", "f64")
REDUCTIONS = ("+=", "*=", "max=", "min=")


@dataclass(frozen=True)
class TensorInfo:
    name: str
    element_type: str
    shape: tuple[int, ...]
    position: Position
    is_input: bool


@dataclass(frozen=True)
class StatementPlan:
    statement: Statement
    loops: tuple[str, ...]
    """Parallel loops (the left-hand side's indices, in order), then reductions."""
    ranges: dict[str, int]
    reductions: frozenset[str]
    reads: tuple[Access, ...]
    """Distinct accesses of the right-hand side, in order of appearance."""
    window: tuple[str, ...]
    """Loops no operand indexes alone (e.g. a pooling window); they need a shape operand."""
    result: TensorInfo


@dataclass(frozen=True)
class FunctionPlan:
    function: Function
    inputs: tuple[TensorInfo, ...]
    statements: tuple[StatementPlan, ...]
    outputs: tuple[TensorInfo, ...]


def access_key(access: Access) -> tuple[str, tuple[tuple[tuple[tuple[str, int], ...], int], ...]]:
    """Identifies an access regardless of where it is written."""
    return access.tensor, tuple((i.coefficients, i.constant) for i in access.indices)


def _calls(expr: Expr) -> list[Call]:
    found: list[Call] = []
    if isinstance(expr, Call):
        found.append(expr)
        for argument in expr.arguments:
            found.extend(_calls(argument))
    elif isinstance(expr, Binary):
        found.extend(_calls(expr.lhs) + _calls(expr.rhs))
    elif isinstance(expr, Negate):
        found.extend(_calls(expr.operand))
    return found


class _FunctionChecker:
    def __init__(self, function: Function, source: SourceText) -> None:
        self.function = function
        self.source = source
        self.tensors: dict[str, TensorInfo] = {}
        self.defined_later = {s.target.tensor: s.target.position for s in function.statements}

    def error(self, message: str, position: Position) -> Exception:
        return self.source.error(message, position)

    def check(self) -> FunctionPlan:
        inputs = tuple(self._input(p) for p in self.function.params)
        plans = tuple(self._statement(s) for s in self.function.statements)
        outputs = tuple(self._output(o.name, o.position) for o in self.function.outputs)
        returned: set[str] = set()
        for output in self.function.outputs:
            if output.name in returned:
                raise self.error(f"'{output.name}' is returned twice", output.position)
            returned.add(output.name)
        return FunctionPlan(self.function, inputs, plans, outputs)

    # -- declarations --------------------------------------------------------------

    def _input(self, param: Param) -> TensorInfo:
        if param.name in self.tensors:
            raise self.error(f"parameter '{param.name}' is declared twice", param.position)
        if param.element_type not in ELEMENT_TYPES:
            raise self.error(
                f"unknown element type '{param.element_type}'; use one of {', '.join(ELEMENT_TYPES)}",
                param.type_position,
            )
        if any(size < 1 for size in param.shape):
            raise self.error(f"'{param.name}' has a dimension of size 0; sizes must be positive", param.type_position)
        info = TensorInfo(param.name, param.element_type, param.shape, param.position, True)
        self.tensors[param.name] = info
        return info

    def _output(self, name: str, position: Position) -> TensorInfo:
        info = self.tensors.get(name)
        if info is None:
            raise self.error(f"'{self.function.name}' returns '{name}', which no statement defines", position)
        if info.is_input:
            raise self.error(f"'{name}' is an input; a function returns tensors its statements define", position)
        return info

    # -- statements ----------------------------------------------------------------

    def _target_indices(self, statement: Statement) -> list[str]:
        target = statement.target
        existing = self.tensors.get(target.tensor)
        if existing is not None:
            what = "an input" if existing.is_input else f"already defined at line {existing.position.line}"
            raise self.error(f"'{target.tensor}' is {what}; each tensor is defined by one statement", target.position)
        names: list[str] = []
        for index in target.indices:
            name = index.plain_variable()
            if name is None:
                raise self.error(
                    f"the left-hand side must be indexed by index variables, got '{index}'", index.position
                )
            if name in names:
                raise self.error(f"index '{name}' appears twice on the left-hand side", index.position)
            names.append(name)
        return names

    def _read(self, access: Access, target: str) -> TensorInfo:
        info = self.tensors.get(access.tensor)
        if info is None:
            if access.tensor == target:
                raise self.error(f"'{target}' is used in its own definition", access.position)
            if access.tensor in self.defined_later:
                line = self.defined_later[access.tensor].line
                raise self.error(f"'{access.tensor}' is used before its definition at line {line}", access.position)
            raise self.error(f"unknown tensor '{access.tensor}'", access.position)
        if len(access.indices) != len(info.shape):
            raise self.error(
                f"'{access.tensor}' has rank {len(info.shape)} but is indexed with {len(access.indices)} "
                f"ind{'ex' if len(access.indices) == 1 else 'ices'}",
                access.position,
            )
        return info

    def _check_calls(self, statement: Statement) -> None:
        for call in _calls(statement.value):
            function = SCALAR_FUNCTIONS.get(call.function)
            if function is None:
                known = ", ".join(sorted(SCALAR_FUNCTIONS))
                raise self.error(f"unknown function '{call.function}' (known: {known})", call.position)
            if len(call.arguments) != function.arity:
                raise self.error(
                    f"'{call.function}' takes {function.arity} argument{'s' if function.arity > 1 else ''}, "
                    f"got {len(call.arguments)}",
                    call.position,
                )

    def _element_type(self, statement: Statement, reads: list[tuple[Access, TensorInfo]]) -> str:
        types = {info.element_type for _, info in reads}
        if len(types) > 1:
            listed = ", ".join(sorted(f"{info.name}: {info.element_type}" for _, info in reads))
            raise self.error(f"the operands mix element types ({listed})", statement.position)
        if types:
            return types.pop()
        if self.function.params:
            return self.function.params[0].element_type
        return "f32"

    def _declared_ranges(self, statement: Statement, used: set[str]) -> dict[str, int]:
        fixed: dict[str, int] = {}
        for declared in statement.ranges:
            if declared.index in fixed:
                raise self.error(f"the range of '{declared.index}' is declared twice", declared.position)
            if declared.start != 0:
                raise self.error(
                    f"ranges start at 0: write 'where {declared.index} in 0:{declared.stop - declared.start}' "
                    "and add the offset in the index expression",
                    declared.position,
                )
            if declared.stop < 1:
                raise self.error(f"the range of '{declared.index}' is empty", declared.position)
            if declared.index not in used:
                raise self.error(f"index '{declared.index}' is declared but not used", declared.position)
            fixed[declared.index] = declared.stop
        return fixed

    def _statement(self, statement: Statement) -> StatementPlan:
        target_indices = self._target_indices(statement)
        reads = [(a, self._read(a, statement.target.tensor)) for a in accesses(statement.value)]
        self._check_calls(statement)
        positions: dict[str, Position] = {}
        for index in statement.target.indices:
            positions.setdefault(index.variables[0], index.position)
        for access, _ in reads:
            for index in access.indices:
                for name in index.variables:
                    positions.setdefault(name, index.position)
        reductions = [name for name in positions if name not in target_indices]
        if reductions and statement.operator not in REDUCTIONS:
            name = reductions[0]
            raise self.error(
                f"index '{name}' appears only on the right-hand side: reduce over it with "
                f"{', '.join(REDUCTIONS)}",
                positions[name],
            )
        fixed = self._declared_ranges(statement, set(positions))
        constraints = [
            Constraint(index, info.shape[dim], access, dim)
            for access, info in reads
            for dim, index in enumerate(access.indices)
        ]
        ranges = infer_ranges(positions, fixed, constraints, self.source)
        plain = {c.index.plain_variable() for c in constraints}
        window = tuple(name for name in reductions if name not in plain)
        distinct: dict[object, Access] = {}
        for access, _ in reads:
            distinct.setdefault(access_key(access), access)
        result = TensorInfo(
            statement.target.tensor,
            self._element_type(statement, reads),
            tuple(ranges[name] for name in target_indices),
            statement.target.position,
            False,
        )
        self.tensors[result.name] = result
        return StatementPlan(
            statement,
            (*target_indices, *reductions),
            ranges,
            frozenset(reductions),
            tuple(distinct.values()),
            window,
            result,
        )


def check_functions(functions: list[Function], source: SourceText) -> list[FunctionPlan]:
    """Plans for every function; CompileError at the first mistake."""
    if not functions:
        raise source.error("no function defined (expected 'def name(...) -> ... { ... }')", Position(1, 1))
    seen: dict[str, Position] = {}
    plans: list[FunctionPlan] = []
    for function in functions:
        if function.name in seen:
            raise source.error(
                f"function '{function.name}' is already defined at line {seen[function.name].line}",
                function.position,
            )
        seen[function.name] = function.position
        plans.append(_FunctionChecker(function, source).check())
    return plans
