"""Semantics of control flow: func.call, scf and affine loops and conditionals.

    affine.for %i = max affine_map<(d0) -> (0, d0 - 2)>(%t) to min affine_map<(d0) -> (64, d0 + 30)>(%t) step 2
        iterates i over range(max(0, t - 2), min(64, t + 30), 2)
    affine.if affine_set<(d0) : (d0 - 1 >= 0)>(%i) {...} else {...}
    %s = scf.for %i = %lb to %ub step %c1 iter_args(%acc = %z) -> (f32) {...}

Loops carry their `iter_args` through the body's yield; a loop that runs no
iteration returns its initial values. Loops run sequentially in order: loops
marked `nnopt.parallel` must give the same result in any order, which is what
differential testing checks against the C.
"""

from __future__ import annotations

import itertools
from typing import Any

from xdsl.dialects import affine, func, scf
from xdsl.ir import SSAValue

from nnopt.reference.affine_eval import map_function, set_function
from nnopt.reference.errors import UndefinedBehaviourError, UnsupportedOpError
from nnopt.reference.interpreter import CompiledBlock, Env, Interpreter, Step, implements


def _assign(env: Env, targets: tuple[SSAValue, ...], values: list[Any]) -> None:
    for target, value in zip(targets, values, strict=True):
        env[target] = value


@implements(func.CallOp)
def _call(interp: Interpreter, op: func.CallOp) -> Step:
    callee = op.callee.string_value()
    arguments = tuple(op.arguments)
    results = tuple(op.results)

    def step(env: Env) -> None:
        values = interp.call(callee, [env[a] for a in arguments], op)
        _assign(env, results, values)

    return step


def _run_loop(
    body: CompiledBlock,
    env: Env,
    indices: range,
    iv: SSAValue,
    carried_args: tuple[SSAValue, ...],
    carried: list[Any],
) -> list[Any]:
    if not carried_args:
        for index in indices:
            env[iv] = index
            body.run(env)
        return carried
    for index in indices:
        env[iv] = index
        _assign(env, carried_args, carried)
        carried = body.run(env)
    return carried


# -- affine ---------------------------------------------------------------------


@implements(affine.ForOp)
def _affine_for(interp: Interpreter, op: affine.ForOp) -> Step:
    lower = map_function(op.lowerBoundMap.data)
    upper = map_function(op.upperBoundMap.data)
    lower_operands = tuple(op.lowerBoundOperands)
    upper_operands = tuple(op.upperBoundOperands)
    step_size = op.step.value.data
    if step_size <= 0:
        raise UndefinedBehaviourError(f"has step {step_size}; affine.for needs a positive step")
    body = interp.block(op.body.block)
    iv = op.body.block.args[0]
    carried_args = tuple(op.body.block.args[1:])
    inits = tuple(op.inits)
    results = tuple(op.results)

    def step(env: Env) -> None:
        start = max(lower(*[env[v] for v in lower_operands]))
        stop = min(upper(*[env[v] for v in upper_operands]))
        carried = [env[v] for v in inits]
        final = _run_loop(body, env, range(start, stop, step_size), iv, carried_args, carried)
        _assign(env, results, final)

    return step


@implements(affine.IfOp)
def _affine_if(interp: Interpreter, op: affine.IfOp) -> Step:
    condition = set_function(op.condition.data)
    operands = tuple(op.args)
    then_block = interp.region(op.then_region)
    else_block = interp.region(op.else_region)
    results = tuple(op.results)

    def step(env: Env) -> None:
        chosen = then_block if condition(*[env[v] for v in operands]) else else_block
        if chosen is not None:
            values = chosen.run(env)
            _assign(env, results, values)

    return step


@implements(affine.ApplyOp)
def _affine_apply(interp: Interpreter, op: affine.ApplyOp) -> Step:
    fn = map_function(op.map.data)
    operands = tuple(op.mapOperands)
    result = op.result

    def step(env: Env) -> None:
        [env[result]] = fn(*[env[v] for v in operands])

    return step


@implements(affine.MinOp)
def _affine_min(interp: Interpreter, op: affine.MinOp) -> Step:
    fn = map_function(op.map.data)
    operands = tuple(op.arguments)
    result = op.result

    def step(env: Env) -> None:
        env[result] = min(fn(*[env[v] for v in operands]))

    return step


def _affine_max(interp: Interpreter, op: Any) -> Step:
    fn = map_function(op.map.data)
    operands = tuple(op.arguments)
    result = op.result

    def step(env: Env) -> None:
        env[result] = max(fn(*[env[v] for v in operands]))

    return step


def _register_affine_max() -> None:
    from nnopt.dialects.affine import MaxOp

    implements(MaxOp)(_affine_max)


_register_affine_max()


@implements(affine.ParallelOp)
def _affine_parallel(interp: Interpreter, op: affine.ParallelOp) -> Step:
    if op.results:
        raise UnsupportedOpError("with reductions is not supported by the reference executor")
    lower = map_function(op.lowerBoundsMap.data)
    upper = map_function(op.upperBoundsMap.data)
    lower_groups = [int(v) for v in op.lowerBoundsGroups.get_values()]
    upper_groups = [int(v) for v in op.upperBoundsGroups.get_values()]
    steps = [s.value.data for s in op.steps]
    lower_map = op.lowerBoundsMap.data
    operands = tuple(op.map_operands)
    n_lower = lower_map.num_dims + lower_map.num_symbols
    body = interp.block(op.body.block)
    ivs = tuple(op.body.block.args)

    def grouped(values: tuple[Any, ...], groups: list[int], pick: Any) -> list[Any]:
        out, start = [], 0
        for size in groups:
            out.append(pick(values[start : start + size]))
            start += size
        return out

    def step(env: Env) -> None:
        values = [env[v] for v in operands]
        starts = grouped(lower(*values[:n_lower]), lower_groups, max)
        stops = grouped(upper(*values[n_lower:]), upper_groups, min)
        ranges = [range(a, b, s) for a, b, s in zip(starts, stops, steps, strict=True)]
        for point in itertools.product(*ranges):
            _assign(env, ivs, list(point))
            body.run(env)

    return step


# -- scf ------------------------------------------------------------------------


@implements(scf.ForOp)
def _scf_for(interp: Interpreter, op: scf.ForOp) -> Step:
    lb, ub, stride = op.lb, op.ub, op.step
    body = interp.block(op.body.block)
    iv = op.body.block.args[0]
    carried_args = tuple(op.body.block.args[1:])
    inits = tuple(op.iter_args)
    results = tuple(op.results)

    def step(env: Env) -> None:
        step_value = int(env[stride])
        if step_value <= 0:
            raise UndefinedBehaviourError(f"has step {step_value}; scf.for needs a positive step")
        indices = range(int(env[lb]), int(env[ub]), step_value)
        carried = [env[v] for v in inits]
        final = _run_loop(body, env, indices, iv, carried_args, carried)
        _assign(env, results, final)

    return step


@implements(scf.IfOp)
def _scf_if(interp: Interpreter, op: scf.IfOp) -> Step:
    cond = op.cond
    then_block = interp.region(op.true_region)
    else_block = interp.region(op.false_region)
    results = tuple(op.results)

    def step(env: Env) -> None:
        chosen = then_block if env[cond] else else_block
        if chosen is not None:
            _assign(env, results, chosen.run(env))

    return step


MAX_WHILE_ITERATIONS = 10_000_000


@implements(scf.WhileOp)
def _scf_while(interp: Interpreter, op: scf.WhileOp) -> Step:
    before = interp.block(op.before_region.block)
    after = interp.block(op.after_region.block)
    before_args = tuple(op.before_region.block.args)
    after_args = tuple(op.after_region.block.args)
    inits = tuple(op.arguments)
    results = tuple(op.results)

    def step(env: Env) -> None:
        values = [env[v] for v in inits]
        for _ in range(MAX_WHILE_ITERATIONS):
            _assign(env, before_args, values)
            condition, *forwarded = before.run(env)
            if not condition:
                _assign(env, results, forwarded)
                return
            _assign(env, after_args, forwarded)
            values = after.run(env)
        raise UndefinedBehaviourError(f"ran more than {MAX_WHILE_ITERATIONS} iterations")

    return step


@implements(scf.ExecuteRegionOp)
def _scf_execute_region(interp: Interpreter, op: scf.ExecuteRegionOp) -> Step:
    body = interp.region(op.region)
    results = tuple(op.results)

    def step(env: Env) -> None:
        if body is not None:
            _assign(env, results, body.run(env))

    return step


@implements(scf.IndexSwitchOp)
def _scf_index_switch(interp: Interpreter, op: scf.IndexSwitchOp) -> Step:
    cases = [int(c) for c in op.cases.get_values()]
    blocks = [interp.region(r) for r in op.case_regions]
    default = interp.region(op.default_region)
    arg = op.arg
    results = tuple(op.results)

    def step(env: Env) -> None:
        value = env[arg]
        chosen = blocks[cases.index(value)] if value in cases else default
        if chosen is not None:
            _assign(env, results, chosen.run(env))

    return step


@implements(scf.ParallelOp)
def _scf_parallel(interp: Interpreter, op: scf.ParallelOp) -> Step:
    if op.initVals:
        raise UnsupportedOpError("with reductions is not supported by the reference executor")
    lbs, ubs, strides = tuple(op.lowerBound), tuple(op.upperBound), tuple(op.step)
    body = interp.block(op.body.block)
    ivs = tuple(op.body.block.args)

    def step(env: Env) -> None:
        ranges = [
            range(int(env[a]), int(env[b]), int(env[s])) for a, b, s in zip(lbs, ubs, strides, strict=True)
        ]
        for point in itertools.product(*ranges):
            _assign(env, ivs, list(point))
            body.run(env)

    return step
