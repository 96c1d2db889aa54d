"""Checked tensor comprehensions -> a func of linalg on tensors.

Each statement becomes one linalg.generic (with linalg.fill of the reduction's
identity for `+=`, `*=`, `max=`, `min=`); its loops are the statement's indices,
its indexing maps the accesses:

    C[i,j] += A[i,k] * B[k,j]
becomes
    %e = tensor.empty() : tensor<4x16xf32>
    %z = linalg.fill ins(%cst : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
    %C = linalg.generic {indexing_maps = [(d0, d1, d2) -> (d0, d2), (d0, d1, d2) -> (d2, d1),
                                          (d0, d1, d2) -> (d0, d1)],
                         iterator_types = ["parallel", "parallel", "reduction"]}
           ins(%A, %B : ...) outs(%z : ...) { ^bb0(%a, %b, %acc): linalg.yield %acc + %a * %b }

A loop that no operand indexes alone (the window of `O[y] max= I[2*y + k]
where k in 0:2`) is given a shape-only operand, as MLIR's pooling ops do.
Every op carries the `file:line:col` of its statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    FileLineColLoc,
    Float32Type,
    Float64Type,
    IntAttr,
    ModuleOp,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.rewriter import InsertPoint

from nnopt.lowering.structured import ScalarBuilder, StructuredBuilder
from nnopt.lowering.tc.analysis import FunctionPlan, StatementPlan, TensorInfo, access_key
from nnopt.lowering.tc.functions import SCALAR_FUNCTIONS
from nnopt.lowering.tc.syntax import Access, Binary, Call, Expr, IndexExpr, Negate, Number, Position

_ELEMENT_TYPES: dict[str, Attribute] = {"f32": Float32Type(), "f64": Float64Type()}

IDENTITIES = {"+=": 0.0, "*=": 1.0, "max=": float("-inf"), "min=": float("inf")}


def tensor_type(info: TensorInfo) -> TensorType[Attribute]:
    return TensorType(_ELEMENT_TYPES[info.element_type], info.shape)


def index_map_expr(index: IndexExpr, loops: Sequence[str]) -> AffineExpr:
    expr = AffineExpr.constant(index.constant)
    for name, coefficient in index.coefficients:
        expr = expr + AffineExpr.dimension(loops.index(name)) * coefficient
    return expr


def access_map(access: Access, loops: Sequence[str]) -> AffineMap:
    return AffineMap(len(loops), 0, tuple(index_map_expr(i, loops) for i in access.indices))


def _accumulate(b: ScalarBuilder, operator: str, acc: SSAValue, value: SSAValue) -> SSAValue:
    if operator == "+=":
        return b.addf(acc, value)
    if operator == "*=":
        return b.mulf(acc, value)
    if operator == "max=":
        return b.maximumf(acc, value)
    return b.minimumf(acc, value)


class _BodyEmitter:
    """Scalar ops of a statement's right-hand side inside the generic's body."""

    def __init__(self, b: ScalarBuilder, args: dict[object, SSAValue], element_type: Attribute) -> None:
        self.b = b
        self.args = args
        self.element_type = element_type

    def emit(self, expr: Expr) -> SSAValue:
        b = self.b
        if isinstance(expr, Access):
            return self.args[access_key(expr)]
        if isinstance(expr, Number):
            return b.const(expr.value, self.element_type)
        if isinstance(expr, Negate):
            return b.negf(self.emit(expr.operand))
        if isinstance(expr, Call):
            return SCALAR_FUNCTIONS[expr.function].build(b, [self.emit(a) for a in expr.arguments])
        assert isinstance(expr, Binary)
        lhs, rhs = self.emit(expr.lhs), self.emit(expr.rhs)
        operations = {"+": b.addf, "-": b.subf, "*": b.mulf, "/": b.divf}
        return operations[expr.operator](lhs, rhs)


class _FunctionBuilder:
    def __init__(self, plan: FunctionPlan, file_name: str) -> None:
        self.plan = plan
        self.file_name = StringAttr(file_name)
        self.values: dict[str, SSAValue] = {}

    def location(self, position: Position) -> FileLineColLoc:
        return FileLineColLoc(self.file_name, IntAttr(position.line), IntAttr(position.column))

    def build(self) -> func.FuncOp:
        inputs = [tensor_type(t) for t in self.plan.inputs]
        outputs = [tensor_type(t) for t in self.plan.outputs]
        block = Block(arg_types=inputs)
        for arg, info in zip(block.args, self.plan.inputs, strict=True):
            arg.name_hint = info.name
            self.values[info.name] = arg
        for statement in self.plan.statements:
            self._statement(block, statement)
        returned = [self.values[o.name] for o in self.plan.outputs]
        block.add_op(func.ReturnOp(*returned))
        function = func.FuncOp(self.plan.function.name, (inputs, outputs), Region(block))
        function.location = self.location(self.plan.function.position)
        return function

    def _statement(self, block: Block, plan: StatementPlan) -> None:
        location = self.location(plan.statement.position)
        builder = Builder(InsertPoint.at_end(block))
        builder.operation_insertion_handler.append(lambda op: _locate(op, location))
        s = StructuredBuilder(builder)
        loops = plan.loops
        operands: list[SSAValue] = []
        maps: list[AffineMap] = []
        if plan.window:
            window_type = TensorType(_ELEMENT_TYPES[plan.result.element_type], [plan.ranges[n] for n in plan.window])
            operands.append(s.empty(window_type))
            maps.append(AffineMap(len(loops), 0, tuple(AffineExpr.dimension(loops.index(n)) for n in plan.window)))
        for access in plan.reads:
            operands.append(self.values[access.tensor])
            maps.append(access_map(access, loops))
        result_type = tensor_type(plan.result)
        init = s.empty(result_type)
        operator = plan.statement.operator
        if operator in IDENTITIES:
            init = s.fill(IDENTITIES[operator], init)
        maps.append(_output_map(len(plan.result.shape), len(loops)))
        iterators = ["reduction" if n in plan.reductions else "parallel" for n in loops]
        first_read = 1 if plan.window else 0
        keys = [access_key(a) for a in plan.reads]

        def body(b: ScalarBuilder, args: Sequence[SSAValue]) -> list[SSAValue]:
            by_key = dict(zip(keys, args[first_read : first_read + len(keys)], strict=True))
            value = _BodyEmitter(b, by_key, result_type.element_type).emit(plan.statement.value)
            if operator in IDENTITIES:
                value = _accumulate(b, operator, args[-1], value)
            return [value]

        [result] = s.generic(operands, [init], maps, iterators, body)
        result.name_hint = plan.result.name
        self.values[plan.result.name] = result


def _output_map(rank: int, num_loops: int) -> AffineMap:
    """The left-hand side's indices are the first `rank` loops."""
    return AffineMap(num_loops, 0, tuple(AffineExpr.dimension(i) for i in range(rank)))


def _locate(op: Operation, location: FileLineColLoc) -> None:
    op.location = location


def build_module(plans: Sequence[FunctionPlan], file_name: str) -> ModuleOp:
    """One func.func of linalg on tensors per function plan."""
    return ModuleOp([_FunctionBuilder(plan, file_name).build() for plan in plans])
