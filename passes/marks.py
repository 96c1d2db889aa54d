"""The unit attributes passes put on `affine.for` loops to talk to each other.

    affine.for %i = 0 to 64 { ... } {nnopt.parallel}    # iterations independent: OpenMP
    affine.for %j = 0 to 64 { ... } {nnopt.simd}        # the loop to vectorize
    affine.for %k = 0 to 64 { ... } {nnopt.reduction}   # a reduction loop (never parallel)
    affine.for %j = 0 to 64 step 16 { ... } {nnopt.vectorized}
    affine.for %b = 0 to 1 { ... } {nnopt.scheduled}    # a strategy's nest: the polyhedral
                                                        # scheduler leaves it alone
    affine.for %i = 0 to 8 { ... } {nnopt.unroll_jam = 2 : i64}
"""

PARALLEL = "nnopt.parallel"
SIMD = "nnopt.simd"
REDUCTION = "nnopt.reduction"
VECTORIZED = "nnopt.vectorized"
SCHEDULED = "nnopt.scheduled"
UNROLL_JAM = "nnopt.unroll_jam"
REGISTER_BLOCKED = "nnopt.register_blocked"
