"""Random affine loop nests on memrefs for differential testing.

    @given(program=affine_programs())
    def test(program): ...     # program.text: func.func @f(%A0: memref<..xf32>, ..., %n0: index)

Programs have imperfect nests up to three deep; constant, symbolic and
outer-index bounds; `max`/`min` bounds with several results; steps above one;
zero-trip loops; stores, read-modify-write accumulations, stencils (neighbour
accesses), `iter_args` reductions, `affine.if` (with `else` and with results),
and index values from `affine.apply`/`affine.min`/`affine.max` used in
accesses, including `floordiv` and `mod`.

Every access stays in bounds by construction: each index expression's range is
computed from the ranges of the loop indices, shifted to start at 0, and the
arrays are sized at the end to hold every access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import strategies as st

from tests.fuzz.differential import INPUT_RANGE, Program

RISKY_NAMES = ("free", "expf", "sqrtf", "floorf", "memcpy", "int", "float", "intptr_t", "int32_t", "result0", "nn_min", "NAN", "i_end")

MAX_DEPTH = 3
MAX_TRIP = 6


@dataclass(frozen=True)
class Range:
    """Inclusive range of an index value."""

    lo: int
    hi: int

    def __add__(self, other: Range) -> Range:
        return Range(self.lo + other.lo, self.hi + other.hi)

    def scale(self, factor: int) -> Range:
        a, b = self.lo * factor, self.hi * factor
        return Range(min(a, b), max(a, b))


@dataclass(frozen=True)
class Index:
    name: str
    range: Range


@dataclass
class _Writer:
    draw: Callable[..., object]
    lines: list[str] = field(default_factory=list)
    indent: int = 1
    counter: int = 0
    ranks: dict[str, int] = field(default_factory=dict)
    extents: dict[str, list[int]] = field(default_factory=dict)
    symbols: list[tuple[str, int]] = field(default_factory=list)
    indices_used: set[int] = field(default_factory=set)
    """Index constants the scf loops use (defined at the top as %c<n>)."""
    budget: int = 10
    """Statements left before the program stops nesting."""
    i32_constants: dict[str, int] = field(default_factory=dict)
    used_names: set[str] = field(default_factory=set)

    def emit(self, text: str) -> None:
        self.lines.append("  " * self.indent + text)

    def fresh(self, stem: str) -> str:
        """A new SSA name; sometimes one that is a C keyword, type or library function,
        so that the C emitter must rename it."""
        self.counter += 1
        if self.integer(0, 9) == 0:
            risky = self.pick(list(RISKY_NAMES))
            if risky not in self.used_names:
                self.used_names.add(risky)
                return f"%{risky}"
        return f"%{stem}{self.counter}"

    def pick(self, options: list[str]) -> str:
        return self.draw(st.sampled_from(options))  # type: ignore[return-value]

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))  # type: ignore[return-value]

    # -- index expressions and accesses -------------------------------------------------

    def index_expression(self, indices: list[Index]) -> tuple[str, Range]:
        """An affine expression of the available index values, and its range."""
        if not indices or self.integer(0, 5) == 0:
            value = self.integer(0, 3)
            return str(value), Range(value, value)
        terms: list[str] = []
        total = Range(0, 0)
        for _ in range(self.integer(1, 2)):
            index = self.draw(st.sampled_from(indices))
            coefficient = self.pick(["1", "1", "2", "-1"])
            terms.append(index.name if coefficient == "1" else f"{index.name} * {coefficient}")  # type: ignore[attr-defined]
            total = total + index.range.scale(int(coefficient))  # type: ignore[attr-defined]
        text = " + ".join(terms)
        wrap = self.pick(["none", "none", "none", "floordiv", "mod"])
        if wrap != "none":
            divisor = self.integer(2, 3)
            if total.lo < 0:
                text, total = f"{text} + {-total.lo}", Range(0, total.hi - total.lo)
            if wrap == "floordiv":
                text, total = f"({text}) floordiv {divisor}", Range(total.lo // divisor, total.hi // divisor)
            else:
                text, total = f"({text}) mod {divisor}", Range(0, min(divisor - 1, total.hi))
        offset = self.integer(0, 1) - min(total.lo, 0)
        if offset:
            text, total = f"{text} + {offset}", Range(total.lo + offset, total.hi + offset)
        return text, total

    def access(self, array: str, indices: list[Index]) -> str:
        parts: list[str] = []
        for axis in range(self.ranks[array]):
            text, bounds = self.index_expression(indices)
            parts.append(text)
            self.extents[array][axis] = max(self.extents[array][axis], bounds.hi + 1)
        return f"{array}[{', '.join(parts)}]"

    def memref_type(self, array: str) -> str:
        return "memref<" + "x".join(str(max(e, 1)) for e in self.extents[array]) + "xf32>"

    # -- float values -------------------------------------------------------------------

    def integer_value(self, indices: list[Index]) -> str:
        """An i32 computed from an index with C-sensitive integer ops, as f32."""
        index = self.draw(st.sampled_from(indices)).name if indices else None  # type: ignore[attr-defined]
        as_int = self.fresh("k")
        if index is None:
            self.emit(f"{as_int} = arith.constant {self.integer(-7, 7)} : i32")
        else:
            self.emit(f"{as_int} = arith.index_cast {index} : index to i32")
        shifted = self.fresh("k")
        self.emit(f"{shifted} = arith.subi {as_int}, %c{self.constant_i32(self.integer(0, 5))} : i32")
        operation = self.pick(["divsi", "remsi", "floordivsi", "ceildivsi", "muli", "maxsi", "minsi", "shrsi", "andi"])
        divisor = self.integer(1, 3) * (1 if self.draw(st.booleans()) else -1)
        if operation == "shrsi":
            divisor = abs(divisor)
        combined = self.fresh("k")
        self.emit(f"{combined} = arith.{operation} {shifted}, %c{self.constant_i32(divisor)} : i32")
        name = self.fresh("v")
        self.emit(f"{name} = arith.sitofp {combined} : i32 to f32")
        return name

    def constant_i32(self, value: int) -> str:
        """The name suffix of a function-level i32 constant (defined once, at the top)."""
        key = f"{value}".replace("-", "m")
        self.i32_constants[key] = value
        return f"i{key}"

    def value(self, indices: list[Index], carried: list[str], depth: int = 0) -> str:
        kinds = ["load", "load", "constant", "index", "integer", "math"]
        kinds += ["carried"] if carried else []
        kinds += ["binary", "binary", "select", "cast"] if depth < 2 else []
        kind = self.pick(kinds)
        if kind == "integer":
            return self.integer_value(indices)
        name = self.fresh("v")
        if kind == "math":
            operand = self.value(indices, carried, depth + 1) if depth < 2 else self.value(indices, carried, 2)
            operation = self.pick(["absf", "floor", "ceil", "negf", "sqrt", "exp", "tanh"])
            if operation == "negf":
                self.emit(f"{name} = arith.negf {operand} : f32")
            elif operation in ("sqrt", "exp"):
                # bounded, non-negative arguments: results stay finite and accurate
                bounded = self.fresh("b")
                self.emit(f"{bounded} = math.absf {operand} : f32")
                clamped = self.fresh("b")
                self.emit(f"{clamped} = arith.minimumf {bounded}, %cf4 : f32")
                self.emit(f"{name} = math.{operation} {clamped} : f32")
            else:
                self.emit(f"{name} = math.{operation} {operand} : f32")
            return name
        if kind == "cast":
            operand = self.value(indices, carried, depth + 1)
            wide = self.fresh("d")
            self.emit(f"{wide} = arith.CAST_OUT {operand} : f32 to OTHER")
            scaled = self.fresh("d")
            self.emit(f"{scaled} = arith.mulf {wide}, {wide} : OTHER")
            self.emit(f"{name} = arith.CAST_BACK {scaled} : OTHER to f32")
            return name
        if kind == "load":
            array = self.pick(sorted(self.ranks))
            self.emit(f"{name} = affine.load {self.access(array, indices)} : TYPE<{array}>")
        elif kind == "constant":
            value = self.draw(st.sampled_from([float(v) for v in range(-INPUT_RANGE, INPUT_RANGE + 1)] + [0.5, -0.25, -0.0]))
            self.emit(f"{name} = arith.constant {value} : f32")
        elif kind == "index" and indices:
            index = self.draw(st.sampled_from(indices))
            as_int = self.fresh("n")
            self.emit(f"{as_int} = arith.index_cast {index.name} : index to i64")  # type: ignore[attr-defined]
            self.emit(f"{name} = arith.sitofp {as_int} : i64 to f32")
        elif kind == "carried":
            return self.pick(carried)
        elif kind == "select":
            a = self.value(indices, carried, depth + 1)
            b = self.value(indices, carried, depth + 1)
            condition = self.fresh("c")
            self.emit(f"{condition} = arith.cmpf {self.pick(['olt', 'oge', 'oeq', 'une'])}, {a}, {b} : f32")
            self.emit(f"{name} = arith.select {condition}, {a}, {b} : f32")
        elif kind == "binary":
            a = self.value(indices, carried, depth + 1)
            b = self.value(indices, carried, depth + 1)
            operation = self.pick(["addf", "subf", "mulf", "maximumf", "minimumf"])
            self.emit(f"{name} = arith.{operation} {a}, {b} : f32")
        else:
            self.emit(f"{name} = arith.constant 1.0 : f32")
        return name

    # -- statements ------------------------------------------------------------------

    def bound(self, indices: list[Index], lower: bool) -> tuple[str, Range]:
        outer = [i for i in indices if i.name.startswith("%i")]
        options = ["constant", "constant"] + (["index", "map"] if outer else []) + (["symbol"] if self.symbols and not lower else [])
        kind = self.pick(options)
        if kind == "constant":
            value = self.integer(0, 2) if lower else self.integer(0, MAX_TRIP)
            return str(value), Range(value, value)
        if kind == "symbol":
            name, value = self.draw(st.sampled_from(self.symbols))  # type: ignore[misc]
            if self.draw(st.booleans()):
                cap = self.integer(1, MAX_TRIP)
                return f"min affine_map<()[s0] -> ({cap}, s0)>()[{name}]", Range(min(cap, value), min(cap, value))
            return name, Range(value, value)
        index: Index = self.draw(st.sampled_from(outer))  # type: ignore[assignment]
        shift = self.integer(0, 3)
        if kind == "index":
            if lower:
                return index.name, index.range
            return f"affine_map<(d0) -> (d0 + {shift})>({index.name})", Range(index.range.lo + shift, index.range.hi + shift)
        if lower:
            return (
                f"max affine_map<(d0) -> (0, d0 - {shift})>({index.name})",
                Range(max(0, index.range.lo - shift), max(0, index.range.hi - shift)),
            )
        cap = self.integer(1, MAX_TRIP)
        return (
            f"min affine_map<(d0) -> (d0 + {shift}, {cap})>({index.name})",
            Range(min(index.range.lo + shift, cap), min(index.range.hi + shift, cap)),
        )

    def loop_header(self, indices: list[Index]) -> tuple[str, Index]:
        lower, lower_range = self.bound(indices, lower=True)
        upper, upper_range = self.bound(indices, lower=False)
        step = self.pick(["1", "1", "1", "2", "3"])
        iv = self.fresh("i")
        hi = upper_range.hi - 1
        bounds = Range(lower_range.lo, max(lower_range.lo, hi))
        step_text = "" if step == "1" else f" step {step}"
        return f"affine.for {iv} = {lower} to {upper}{step_text}", Index(iv, bounds)

    def block(self, indices: list[Index], depth: int, carried: list[str]) -> None:
        indices = list(indices)  # index values defined here are visible here only
        for _ in range(self.integer(1, 3)):
            self.statement(indices, depth, carried)

    def statement(self, indices: list[Index], depth: int, carried: list[str]) -> None:
        self.budget -= 1
        kinds = ["store", "accumulate", "index_value"]
        if depth < MAX_DEPTH and self.budget > 0:
            kinds += ["loop", "loop", "loop", "reduction", "scf_loop", "temporary"]
        if depth == 0 and self.budget > 0:
            kinds += ["dense_loop", "dense_loop", "dense_loop", "contraction"]
        if indices and self.budget > 0:
            kinds += ["if", "if_value"]
        kind = self.pick(kinds)
        if kind == "loop":
            header, iv = self.loop_header(indices)
            self.emit(header + " {")
            self.indent += 1
            self.block([*indices, iv], depth + 1, carried)
            self.indent -= 1
            self.emit("}")
        elif kind == "store":
            value = self.value(indices, carried)
            array = self.pick(sorted(self.ranks))
            self.emit(f"affine.store {value}, {self.access(array, indices)} : TYPE<{array}>")
        elif kind == "accumulate":
            value = self.value(indices, carried)
            array = self.pick(sorted(self.ranks))
            target = self.access(array, indices)
            old, new = self.fresh("old"), self.fresh("acc")
            self.emit(f"{old} = affine.load {target} : TYPE<{array}>")
            self.emit(f"{new} = arith.addf {old}, {value} : f32")
            self.emit(f"affine.store {new}, {target} : TYPE<{array}>")
        elif kind == "reduction":
            init = self.value(indices, carried)
            header, iv = self.loop_header(indices)
            result, acc = self.fresh("r"), self.fresh("acc")
            self.emit(f"{result} = {header} iter_args({acc} = {init}) -> (f32) {{")
            self.indent += 1
            value = self.value([*indices, iv], [*carried, acc])
            combined = self.fresh("s")
            self.emit(f"{combined} = arith.{self.pick(['addf', 'maximumf'])} {acc}, {value} : f32")
            self.emit(f"affine.yield {combined} : f32")
            self.indent -= 1
            self.emit("}")
            array = self.pick(sorted(self.ranks))
            self.emit(f"affine.store {result}, {self.access(array, indices)} : TYPE<{array}>")
        elif kind == "dense_loop":
            self.dense_loop(indices, carried)
        elif kind == "contraction":
            self.contraction()
        elif kind == "scf_loop":
            iv = self.fresh("i")
            trip = self.integer(0, MAX_TRIP)
            lower = self.integer(0, 1)
            self.emit(f"scf.for {iv} = %c{lower} to %c{trip} step %c1 {{")
            self.indices_used.update({lower, trip, 1})
            self.indent += 1
            inner = Index(iv, Range(lower, max(lower, trip - 1)))
            value = self.value([*indices, inner], carried)
            positive = self.fresh("p")
            self.emit(f"{positive} = arith.cmpf ogt, {value}, %cf0 : f32")
            self.emit(f"scf.if {positive} {{")
            self.indent += 1
            array = self.pick(sorted(self.ranks))
            self.emit(f"affine.store {value}, {self.access(array, [*indices, inner])} : TYPE<{array}>")
            self.indent -= 1
            self.emit("}")
            self.indent -= 1
            self.emit("}")
        elif kind == "temporary":
            size = self.integer(1, MAX_TRIP)
            buffer = self.fresh("t")
            allocation = self.pick(["alloca", "alloc"])
            self.emit(f"{buffer} = memref.{allocation}() : memref<{size}xf32>")
            fill, use = self.fresh("i"), self.fresh("i")
            self.emit(f"affine.for {fill} = 0 to {size} {{")
            self.indent += 1
            value = self.value([*indices, Index(fill, Range(0, size - 1))], carried)
            self.emit(f"affine.store {value}, {buffer}[{fill}] : memref<{size}xf32>")
            self.indent -= 1
            self.emit("}")
            self.emit(f"affine.for {use} = 0 to {size} {{")
            self.indent += 1
            loaded = self.fresh("v")
            self.emit(f"{loaded} = affine.load {buffer}[{size - 1} - {use}] : memref<{size}xf32>")
            array = self.pick(sorted(self.ranks))
            target = self.access(array, [*indices, Index(use, Range(0, size - 1))])
            old, new = self.fresh("old"), self.fresh("acc")
            self.emit(f"{old} = affine.load {target} : TYPE<{array}>")
            self.emit(f"{new} = arith.addf {old}, {loaded} : f32")
            self.emit(f"affine.store {new}, {target} : TYPE<{array}>")
            self.indent -= 1
            self.emit("}")
            if allocation == "alloc":
                self.emit(f"memref.dealloc {buffer} : memref<{size}xf32>")
        elif kind == "index_value":
            self.index_value(indices)
            self.statement(indices, depth, carried)
        elif kind == "if":
            condition = self.condition(indices)
            self.emit(f"affine.if {condition} {{")
            self.indent += 1
            self.block(indices, depth, carried)
            self.indent -= 1
            if self.draw(st.booleans()):
                self.emit("} else {")
                self.indent += 1
                self.block(indices, depth, carried)
                self.indent -= 1
            self.emit("}")
        else:  # if_value
            condition = self.condition(indices)
            result = self.fresh("w")
            self.emit(f"{result} = affine.if {condition} -> f32 {{")
            self.indent += 1
            self.emit(f"affine.yield {self.value(indices, carried)} : f32")
            self.indent -= 1
            self.emit("} else {")
            self.indent += 1
            self.emit(f"affine.yield {self.value(indices, carried)} : f32")
            self.indent -= 1
            self.emit("}")
            array = self.pick(sorted(self.ranks))
            self.emit(f"affine.store {result}, {self.access(array, indices)} : TYPE<{array}>")

    def contiguous_access(self, array: str, outer: list[Index], inner: Index) -> str:
        """An access whose last index is `inner` plus a small offset (stride 1 in `inner`)."""
        parts: list[str] = []
        rank = self.ranks[array]
        for axis in range(rank - 1):
            if outer and self.draw(st.booleans()):
                index = self.draw(st.sampled_from(outer))
                parts.append(index.name)  # type: ignore[attr-defined]
                bound = index.range.hi  # type: ignore[attr-defined]
            else:
                bound = self.integer(0, 1)
                parts.append(str(bound))
            self.extents[array][axis] = max(self.extents[array][axis], bound + 1)
        offset = self.integer(0, 2)
        parts.append(f"{inner.name} + {offset}" if offset else inner.name)
        self.extents[array][rank - 1] = max(self.extents[array][rank - 1], inner.range.hi + offset + 1)
        return f"{array}[{', '.join(parts)}]"

    def dense_value(self, outer: list[Index], inner: Index, depth: int = 0) -> str:
        """A float expression of contiguous and invariant loads (what vectorizes)."""
        kind = self.pick(["contiguous", "contiguous", "invariant", "constant"] + (["binary", "binary"] if depth < 2 else []))
        name = self.fresh("v")
        array = self.pick(sorted(self.ranks))
        if kind == "contiguous":
            self.emit(f"{name} = affine.load {self.contiguous_access(array, outer, inner)} : TYPE<{array}>")
        elif kind == "invariant":
            self.emit(f"{name} = affine.load {self.access(array, outer)} : TYPE<{array}>")
        elif kind == "constant":
            self.emit(f"{name} = arith.constant {float(self.integer(-INPUT_RANGE, INPUT_RANGE))} : f32")
        else:
            a = self.dense_value(outer, inner, depth + 1)
            b = self.dense_value(outer, inner, depth + 1)
            operation = self.pick(["addf", "subf", "mulf", "maximumf", "minimumf"])
            self.emit(f"{name} = arith.{operation} {a}, {b} : f32")
        return name

    def dense_loop(self, indices: list[Index], carried: list[str]) -> None:
        """`for i { for j = 0 to M { Z[.., j] = f(X[.., j + c], y, ...) } }`, M up to 40:
        the shape the vectorizer looks for, with stores or invariant accumulations."""
        outer_iv = self.fresh("i")
        rows = self.integer(1, 3)
        self.emit(f"affine.for {outer_iv} = 0 to {rows} {{")
        self.indent += 1
        outer = [*indices, Index(outer_iv, Range(0, rows - 1))]
        inner_iv = self.fresh("i")
        start, stop = self.integer(0, 1), self.integer(5, 40)
        inner = Index(inner_iv, Range(start, stop - 1))
        self.emit(f"affine.for {inner_iv} = {start} to {stop} {{")
        self.indent += 1
        value = self.dense_value(outer, inner)
        array = f"%D{self.counter}"  # written here only: the loop may be independent
        self.ranks[array] = self.integer(1, 2)
        self.extents[array] = [1] * self.ranks[array]
        if self.draw(st.booleans()):
            self.emit(f"affine.store {value}, {self.contiguous_access(array, outer, inner)} : TYPE<{array}>")
        else:
            target = self.access(array, outer)
            old, new = self.fresh("old"), self.fresh("acc")
            self.emit(f"{old} = affine.load {target} : TYPE<{array}>")
            self.emit(f"{new} = arith.{self.pick(['addf', 'maximumf'])} {old}, {value} : f32")
            self.emit(f"affine.store {new}, {target} : TYPE<{array}>")
        self.indent -= 1
        self.emit("}")
        self.indent -= 1
        self.emit("}")

    def contraction(self) -> None:
        """C[i, j] += A[i, k] * B[k, j] over small sizes (register blocking's shape)."""
        m, n, k = self.integer(1, 6), self.integer(4, 24), self.integer(1, 6)
        names = [self.fresh("i") for _ in range(3)]
        arrays = [f"%M{self.counter}_{x}" for x in "abc"]
        shapes = [(m, k), (k, n), (m, n)]
        for array, shape in zip(arrays, shapes, strict=True):
            self.ranks[array] = 2
            self.extents[array] = list(shape)
        i, j, kk = names
        self.emit(f"affine.for {i} = 0 to {m} {{")
        self.emit(f"  affine.for {j} = 0 to {n} {{")
        self.emit(f"    affine.for {kk} = 0 to {k} {{")
        a, b, c = arrays
        self.emit(f"      %ca{self.counter} = affine.load {a}[{i}, {kk}] : TYPE<{a}>")
        self.emit(f"      %cb{self.counter} = affine.load {b}[{kk}, {j}] : TYPE<{b}>")
        self.emit(f"      %cc{self.counter} = affine.load {c}[{i}, {j}] : TYPE<{c}>")
        self.emit(f"      %cp{self.counter} = arith.mulf %ca{self.counter}, %cb{self.counter} : f32")
        self.emit(f"      %cs{self.counter} = arith.addf %cc{self.counter}, %cp{self.counter} : f32")
        self.emit(f"      affine.store %cs{self.counter}, {c}[{i}, {j}] : TYPE<{c}>")
        self.emit("    }")
        self.emit("  }")
        self.emit("}")

    def index_value(self, indices: list[Index]) -> None:
        """Add an affine.apply / min / max result to `indices`."""
        loops = [i for i in indices if i.name.startswith("%i")]
        if not loops:
            return
        index: Index = self.draw(st.sampled_from(loops))  # type: ignore[assignment]
        kind = self.pick(["apply", "min", "max"])
        name = self.fresh("x")
        c = self.integer(1, 3)
        r = index.range
        if kind == "apply":
            self.emit(f"{name} = affine.apply affine_map<(d0) -> (d0 floordiv {c} + 1)> ({index.name})")
            bounds = Range(r.lo // c + 1, r.hi // c + 1)
        elif kind == "min":
            self.emit(f"{name} = affine.min affine_map<(d0) -> (d0 + {c}, {MAX_TRIP})> ({index.name})")
            bounds = Range(min(r.lo + c, MAX_TRIP), min(r.hi + c, MAX_TRIP))
        else:
            self.emit(f"{name} = affine.max affine_map<(d0) -> (d0 - {c}, 0)> ({index.name})")
            bounds = Range(max(r.lo - c, 0), max(r.hi - c, 0))
        indices.append(Index(name, bounds))

    def condition(self, indices: list[Index]) -> str:
        dims = indices[: min(len(indices), 2)] if self.draw(st.booleans()) else indices[-2:]
        names = [d.name for d in dims]
        d = [f"d{k}" for k in range(len(dims))]
        constraints: list[str] = []
        for _ in range(self.integer(1, 2)):
            kind = self.pick(["ge", "eq_mod"] + (["diff"] if len(d) > 1 else []) + (["symbol"] if self.symbols else []))
            if kind == "ge":
                constraints.append(f"{self.pick(d)} - {self.integer(0, 3)} >= 0")
            elif kind == "eq_mod":
                constraints.append(f"{self.pick(d)} mod 2 == 0")
            elif kind == "diff":
                constraints.append(f"{d[0]} - {d[1]} >= 0")
            else:
                constraints.append(f"s0 - {self.pick(d)} - 1 >= 0")
        uses_symbol = any("s0" in c for c in constraints)
        symbols = f"[{self.symbols[0][0]}]" if uses_symbol else ""
        header = f"({', '.join(d)})" + ("[s0]" if uses_symbol else "")
        return f"affine_set<{header} : ({', '.join(constraints)})>({', '.join(names)}){symbols}"


@st.composite
def affine_programs(draw: Callable[..., object]) -> Program:
    writer = _Writer(draw)
    for k in range(draw(st.integers(1, 3))):  # type: ignore[arg-type]
        name = f"%A{k}"
        writer.ranks[name] = draw(st.integers(1, 2))  # type: ignore[assignment]
        writer.extents[name] = [1] * writer.ranks[name]
    if draw(st.booleans()):
        writer.symbols.append(("%n0", draw(st.integers(0, MAX_TRIP))))  # type: ignore[arg-type]
    writer.block([], 0, [])
    prologue = [f"  %c{n} = arith.constant {n} : index" for n in sorted(writer.indices_used)]
    prologue += [f"  %ci{key} = arith.constant {value} : i32" for key, value in sorted(writer.i32_constants.items())]
    prologue += ["  %cf0 = arith.constant 0.0 : f32", "  %cf4 = arith.constant 4.0 : f32"]
    body = "\n".join(prologue + writer.lines)
    for array in writer.ranks:
        body = body.replace(f"TYPE<{array}>", writer.memref_type(array))
    params = [f"{array}: {writer.memref_type(array)}" for array in writer.ranks]
    params += [f"{name}: index" for name, _ in writer.symbols]
    text = f"func.func @f({', '.join(params)}) {{\n{body}\n  func.return\n}}\n"
    if draw(st.integers(0, 3)) == 0:  # a quarter of the programs compute in f64
        text = text.replace("f32", "f64").replace("OTHER", "f32").replace("CAST_OUT", "truncf").replace("CAST_BACK", "extf")
    else:
        text = text.replace("OTHER", "f64").replace("CAST_OUT", "extf").replace("CAST_BACK", "truncf")
    seed = draw(st.integers(0, 7))
    return Program(text, "f", seed=seed, scalars=tuple(value for _, value in writer.symbols))  # type: ignore[arg-type]
