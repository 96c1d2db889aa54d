"""Graph-level passes: constant folding, batch-norm folding, epilogue fusion,
attention recognition and the blocked NCHWc layout, with the helpers they share."""
