"""Graph-level passes: constant folding, batch-norm folding, epilogue fusion,
attention recognition and the blocked NCHWc layout, with the helpers they share,
and the numpy semantics of every graph op (`semantics/`), which constant folding
and the reference executor both evaluate with."""
