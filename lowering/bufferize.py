"""bufferize: tensors become memrefs, in destination-passing style.

Function arguments of tensor type become memref arguments (read only); each tensor
result becomes one more memref argument that the function writes (an *output*).
Inside, `tensor.empty` becomes `memref.alloc`, constant tensors become
`memref.global`s, and each linalg op writes into the buffer of its `outs` operand,
in place when nothing reads that buffer afterwards, else into a fresh copy. The
buffer of a returned value is the output argument itself when it was allocated
here (no copy), or a reshape of the output when the value is a reshape of such
a buffer (an im2col GEMM's [1, F, OH*OW] result returned as [1, F, OH, OW]);
otherwise it is copied there. Remaining allocations are freed
before the return.

    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %r = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {...} -> tensor<4xf32>
      func.return %r : tensor<4xf32>
    }
becomes
    func.func @f(%x: memref<4xf32>, %out: memref<4xf32>) attributes {nnopt.outputs = 1 : i64} {
      linalg.generic {...} ins(%x : memref<4xf32>) outs(%out : memref<4xf32>) {...}
      func.return
    }

The `nnopt.outputs` attribute counts the trailing output arguments.

Slices and reshapes become views of the buffers they read:

    tensor.extract_slice %x[1, 1] [2, 4] [1, 1]   ->  memref.subview (strided, no copy)
    tensor.insert_slice %s into %d[0, 3] ...       ->  memref.subview of %d's buffer
                                                       + memref.copy of %s into it
    tensor.collapse_shape / expand_shape           ->  memref.collapse_shape / expand_shape
                                                       (a strided source is copied first)

An insert_slice writes into its destination's buffer under the same rule as a
linalg op (in place unless that buffer is read later or by the op itself).
Tensor ops it does not know are reported as errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xdsl.builder import Builder
from xdsl.context import Context
from xdsl.dialects import arith, func, memref, tensor
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IntegerAttr,
    ModuleOp,
    NoneAttr,
    StringAttr,
    TensorType,
    UnitAttr,
    i64,
)
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from nnopt.dialects.kernel import DestinationStyleKernel
from nnopt.support.diagnostics import CompileError

OUTPUTS_ATTR = "nnopt.outputs"


def memref_type_of(type_: Attribute) -> Attribute:
    """tensor<4x8xf32> -> memref<4x8xf32>; other types unchanged."""
    if isinstance(type_, TensorType):
        return memref.MemRefType(type_.element_type, type_.get_shape())
    return type_


def has_tensors(op: Operation) -> bool:
    """Whether any value in `op` (operands, results, block arguments) is a tensor."""
    for inner in op.walk():
        if any(isinstance(v.type, TensorType) for v in (*inner.operands, *inner.results)):
            return True
        for region in inner.regions:
            for block in region.blocks:
                if any(isinstance(a.type, TensorType) for a in block.args):
                    return True
    return False


def module_has_tensors(module: ModuleOp) -> bool:
    """Whether bufferization has anything to do in `module`."""
    return has_tensors(module) or any(
        isinstance(f, func.FuncOp) and _tensor_signature(f) for f in module.body.block.ops
    )


@dataclass
class _FunctionBufferizer:
    """Bufferizes the body of one function (a single block of tensor ops)."""

    module: ModuleOp
    function: func.FuncOp
    buffer: dict[SSAValue, SSAValue] = field(default_factory=dict)
    """The buffer holding each tensor value."""
    root: dict[SSAValue, SSAValue] = field(default_factory=dict)
    """For each buffer, the allocation or argument it is a view of."""
    allocated: list[SSAValue] = field(default_factory=list)
    order: dict[Operation, int] = field(default_factory=dict)

    def run(self) -> None:
        block = self.function.body.block
        self.order = {op: i for i, op in enumerate(block.ops)}
        outputs = self._convert_signature(block)
        for op in list(block.ops):
            self._bufferize(op, outputs)

    # -- signature -----------------------------------------------------------------

    def _convert_signature(self, block: Block) -> list[SSAValue]:
        function_type = self.function.function_type
        for arg in block.args:
            if isinstance(arg.type, TensorType):
                new = block.insert_arg(memref_type_of(arg.type), arg.index)
                new.name_hint = arg.name_hint
                self.buffer[arg] = new
                self.root[new] = new
        outputs: list[SSAValue] = []
        for i, result_type in enumerate(function_type.outputs.data):
            if not isinstance(result_type, TensorType):
                raise CompileError(
                    f"result #{i} of type {result_type} is not a tensor; "
                    "bufferize handles tensor results only",
                    self.function,
                )
            out = block.insert_arg(memref_type_of(result_type), len(block.args))
            out.name_hint = "out" if len(function_type.outputs.data) == 1 else f"out{i}"
            self.root[out] = out
            outputs.append(out)
        self.function.attributes[OUTPUTS_ATTR] = IntegerAttr(len(outputs), i64)
        return outputs

    # -- ops -----------------------------------------------------------------------

    def _bufferize(self, op: Operation, outputs: list[SSAValue]) -> None:
        if isinstance(op, func.ReturnOp):
            self._return(op, outputs)
        elif isinstance(op, tensor.EmptyOp):
            self._replace(op, self._alloc(op, op.tensor.type))
        elif isinstance(op, arith.ConstantOp) and isinstance(op.result.type, TensorType):
            self._constant(op)
        elif isinstance(op, LinalgStructuredOperation | DestinationStyleKernel) and op.results:
            self._linalg(op)
        elif isinstance(op, tensor.CollapseShapeOp | tensor.ExpandShapeOp):
            self._reshape(op)
        elif isinstance(op, tensor.InsertSliceOp):
            self._insert_slice(op)
        elif isinstance(op, tensor.ExtractSliceOp):
            self._extract_slice(op)
        elif has_tensors(op):
            raise CompileError("bufferize does not handle this op on tensors", op)
        else:
            for i, operand in enumerate(op.operands):
                if operand in self.buffer:
                    op.operands[i] = self.buffer[operand]

    def _alloc(self, before: Operation, type_: Attribute) -> SSAValue:
        alloc = memref.AllocOp.get(
            memref_type_of(type_).element_type,  # type: ignore[attr-defined]
            64,
            memref_type_of(type_).get_shape(),  # type: ignore[attr-defined]
        )
        Builder(InsertPoint.before(before)).insert(alloc)
        self.root[alloc.memref] = alloc.memref
        self.allocated.append(alloc.memref)
        return alloc.memref

    def _replace(self, op: Operation, buffer: SSAValue) -> None:
        """Record that `op`'s tensor result now lives in `buffer` (op erased later)."""
        result = op.results[0]
        if buffer.name_hint is None:
            buffer.name_hint = result.name_hint
        self.buffer[result] = buffer

    def _constant(self, op: arith.ConstantOp) -> None:
        value = op.value
        assert isinstance(value, DenseIntOrFPElementsAttr)
        type_ = memref_type_of(op.result.type)
        name = _unique_symbol(self.module, "__constant")
        glob = memref.GlobalOp.get(
            StringAttr(name), type_, value, sym_visibility=StringAttr("private"),
            constant=UnitAttr(),
        )
        self.module.body.block.insert_op_before(glob, self.module.body.block.first_op)  # type: ignore[arg-type]
        get = memref.GetGlobalOp(name, type_)
        Builder(InsertPoint.before(op)).insert(get)
        self.root[get.memref] = get.memref
        self._replace(op, get.memref)

    def _reads_later(self, root: SSAValue, after: Operation) -> bool:
        """Whether a tensor held in a view of `root` is used after `after`."""
        position = self.order[after]
        for value, buffer in self.buffer.items():
            if self.root.get(buffer) is not root:
                continue
            for use in value.uses:
                user = _ancestor_in(use.operation, after.parent_block())
                if user is not after and self.order.get(user, -1) > position:
                    return True
        return False

    def _writable_buffer_for(
        self, op: Operation, init: SSAValue, reads: Sequence[SSAValue], keeps_contents: bool
    ) -> SSAValue:
        """A buffer `op` may overwrite with its new value of the tensor `init`.

        `init`'s own buffer when it was allocated here, `op` does not also read it
        (through `reads`) and no later op reads a tensor held in it; otherwise a
        fresh allocation, which gets a copy of `init` when `keeps_contents`.
        """
        buffer = self.buffer[init]
        root = self.root[buffer]
        reads_own_output = any(
            self.root.get(self.buffer.get(v, v)) is root for v in reads
        )
        if root in self.allocated and not reads_own_output and not self._reads_later(root, op):
            return buffer
        fresh = self._alloc(op, init.type)
        if keeps_contents:
            Builder(InsertPoint.before(op)).insert(memref.CopyOp(buffer, fresh))
        return fresh

    def _linalg(self, op: LinalgStructuredOperation | DestinationStyleKernel) -> None:
        inputs = [self._buffer_of(v, op) for v in op.inputs]
        outputs = [
            self._writable_buffer_for(op, v, op.inputs, _reads_outputs(op)) for v in op.outputs
        ]
        new_op = type(op).create(
            operands=[*inputs, *outputs],
            result_types=[],
            properties=dict(op.properties),
            attributes=dict(op.attributes),
            regions=[region.clone() for region in op.regions],
        )
        new_op.location = op.location
        Builder(InsertPoint.before(op)).insert(new_op)
        for result, buffer in zip(op.results, outputs, strict=True):
            self.buffer[result] = buffer
            if buffer.name_hint is None:
                buffer.name_hint = result.name_hint
        self.order[new_op] = self.order[op]

    def _reshape(self, op: tensor.CollapseShapeOp | tensor.ExpandShapeOp) -> None:
        """A view with the new shape; a strided source is first copied to be contiguous."""
        source = self._buffer_of(op.src, op)
        if not _has_identity_layout(source):
            contiguous = self._alloc(op, op.src.type)
            Builder(InsertPoint.before(op)).insert(memref.CopyOp(source, contiguous))
            source = contiguous
        type_ = memref_type_of(op.result.type)
        view_type = memref.CollapseShapeOp if isinstance(op, tensor.CollapseShapeOp) else memref.ExpandShapeOp
        view = view_type.create(
            operands=[source],
            result_types=[type_],
            properties=dict(op.properties),
        )
        Builder(InsertPoint.before(op)).insert(view)
        self._view(op, view.results[0], source)

    def _insert_slice(self, op: tensor.InsertSliceOp) -> None:
        """Copy the source into a subview of the destination's buffer (in place if allowed)."""
        source = self._buffer_of(op.source, op)
        dest = self._writable_buffer_for(op, op.dest, [op.source], keeps_contents=True)
        window = self._subview(op, dest)
        Builder(InsertPoint.before(op)).insert(memref.CopyOp(source, window))
        self.buffer[op.result] = dest
        if dest.name_hint is None:
            dest.name_hint = op.result.name_hint

    def _extract_slice(self, op: tensor.ExtractSliceOp) -> None:
        """A subview of the source's buffer: no copy until something writes to it."""
        source = self._buffer_of(op.source, op)
        self._view(op, self._subview(op, source), source)

    def _subview(
        self, op: tensor.InsertSliceOp | tensor.ExtractSliceOp, buffer: SSAValue
    ) -> SSAValue:
        """The part of `buffer` that `op` slices, as a strided view inserted before `op`."""
        if op.offsets or op.sizes or op.strides:
            raise CompileError("bufferize handles static slices only", op)
        offsets = list(op.static_offsets.get_values())
        sizes = list(op.static_sizes.get_values())
        strides = list(op.static_strides.get_values())
        slice_value = op.source if isinstance(op, tensor.InsertSliceOp) else op.result
        assert isinstance(slice_value.type, TensorType)
        if slice_value.type.get_num_dims() != len(sizes):
            raise CompileError("bufferize does not handle rank-reducing slices", op)
        assert isinstance(buffer.type, memref.MemRefType)
        type_ = memref.SubviewOp.infer_result_type(buffer.type, offsets, sizes, strides)
        view = memref.SubviewOp.get(buffer, offsets, sizes, strides, type_)
        Builder(InsertPoint.before(op)).insert(view)
        return view.result

    def _view(self, op: Operation, view: SSAValue, source: SSAValue) -> None:
        """Record that `op`'s tensor result lives in `view`, an alias of `source`."""
        self.root[view] = self.root[source]
        self.buffer[op.results[0]] = view

    def _reshapes_from_allocation(self, buffer: SSAValue) -> list[Operation]:
        """The reshape views between `buffer` and the allocation it is a view of,
        from `buffer` up; empty when `buffer` is not such a view (or is the allocation)."""
        reshapes: list[Operation] = []
        value = buffer
        while value not in self.allocated:
            owner = value.owner
            if not isinstance(owner, memref.CollapseShapeOp | memref.ExpandShapeOp):
                return []
            reshapes.append(owner)
            value = owner.operands[0]
        return reshapes

    def _buffer_of(self, value: SSAValue, user: Operation) -> SSAValue:
        """The buffer of a tensor value; other values are used as they are."""
        if not isinstance(value.type, TensorType):
            return value
        if value not in self.buffer:
            raise CompileError(f"operand {value.name_hint or ''} has no buffer", user)
        return self.buffer[value]

    def _return(self, op: func.ReturnOp, outputs: list[SSAValue]) -> None:
        builder = Builder(InsertPoint.before(op))
        claimed: set[SSAValue] = set()
        unused_views: list[Operation] = []
        for value, out in zip(op.arguments, outputs, strict=True):
            buffer = self._buffer_of(value, op)
            reshapes = self._reshapes_from_allocation(buffer)
            root = reshapes[-1].operands[0] if reshapes else buffer
            if root in self.allocated and root not in claimed:
                # the returned tensor was built in place (perhaps then reshaped):
                # build it in the output, seen through the inverse reshapes
                claimed.add(root)
                destination = _inverse_reshapes(out, reshapes, self.function.body.block)
                root.replace_all_uses_with(destination)
                self.allocated.remove(root)
                assert isinstance(root.owner, Operation)
                Rewriter.erase_op(root.owner)
                for k, v in self.buffer.items():
                    if v is root:
                        self.buffer[k] = destination
                unused_views.extend(reshapes)
            else:
                builder.insert(memref.CopyOp(buffer, out))
        for view in unused_views:  # the returned views, unless copied to another output
            if not view.results[0].uses:
                Rewriter.erase_op(view)
        for buffer in self.allocated:
            builder.insert(memref.DeallocOp.get(buffer))
        builder.insert(func.ReturnOp())
        Rewriter.erase_op(op)


def _inverse_reshapes(out: SSAValue, reshapes: list[Operation], block: Block) -> SSAValue:
    """`out` seen with the shape of the allocation the reshapes start from.

    `reshapes` go from the returned buffer back to the allocation (last); each is
    undone by the opposite reshape with the same reassociation, at the start of
    the function body (where `out`, an argument, is defined)."""
    builder = Builder(InsertPoint.at_start(block))
    value = out
    for reshape in reshapes:
        source_type = reshape.operands[0].type
        assert isinstance(source_type, memref.MemRefType)
        reassociation = reshape.properties["reassociation"]
        if isinstance(reshape, memref.ExpandShapeOp):
            inverse: Operation = memref.CollapseShapeOp.create(
                operands=[value], result_types=[source_type], properties={"reassociation": reassociation}
            )
        else:
            output_shape = DenseArrayBase.from_list(i64, source_type.get_shape())
            inverse = memref.ExpandShapeOp.create(
                operands=[value],
                result_types=[source_type],
                properties={"reassociation": reassociation, "static_output_shape": output_shape},
            )
        builder.insert(inverse)
        value = inverse.results[0]
    return value


def _ancestor_in(op: Operation, block: Block | None) -> Operation:
    while op.parent_block() is not block and op.parent_op() is not None:
        parent = op.parent_op()
        assert parent is not None
        op = parent
    return op


def _has_identity_layout(buffer: SSAValue) -> bool:
    return isinstance(buffer.type, memref.MemRefType) and isinstance(buffer.type.layout, NoneAttr)


def _reads_outputs(op: LinalgStructuredOperation | DestinationStyleKernel) -> bool:
    """Whether the op reads the current value of an output (a linalg body's out args)."""
    if isinstance(op, DestinationStyleKernel):
        return op.reads_outputs()
    n_inputs = len(op.inputs)
    return any(arg.uses for arg in op.body.block.args[n_inputs:])


def _unique_symbol(module: ModuleOp, stem: str) -> str:
    taken = {
        o.sym_name.data for o in module.body.block.ops if isinstance(o, memref.GlobalOp | func.FuncOp)
    }
    i = 0
    while f"{stem}_{i}" in taken:
        i += 1
    return f"{stem}_{i}"


@dataclass(frozen=True)
class Bufferize(ModulePass):
    """Tensors to memrefs: arguments and results become buffers, ops write in place."""

    name = "bufferize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for function in [f for f in op.body.block.ops if isinstance(f, func.FuncOp)]:
            if function.is_declaration or (not has_tensors(function) and not _tensor_signature(function)):
                continue
            if len(function.body.blocks) != 1:
                raise CompileError("bufferize handles single-block functions only", function)
            _FunctionBufferizer(op, function).run()
            _erase_dead_tensor_ops(function)


def _tensor_signature(function: func.FuncOp) -> bool:
    types = [*function.function_type.inputs.data, *function.function_type.outputs.data]
    return any(isinstance(t, TensorType) for t in types)


def _erase_dead_tensor_ops(function: func.FuncOp) -> None:
    """Drop the tensor ops (and tensor block arguments) bufferization left unused."""
    block = function.body.block
    for op in reversed(list(block.ops)):
        if op.results and any(isinstance(r.type, TensorType) for r in op.results):
            if any(r.uses for r in op.results):
                raise CompileError("a tensor value is still used after bufferization", op)
            Rewriter.erase_op(op)
    for arg in reversed(list(block.args)):
        if isinstance(arg.type, TensorType):
            block.erase_arg(arg)
    function.function_type = func.FunctionType.from_lists([a.type for a in block.args], [])
