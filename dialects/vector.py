"""The `vector` dialect: xDSL's vector ops, re-exported so that we can extend them.

    %v = vector.load %A[%i, %j] : memref<64x64xf32>, vector<16xf32>
    %r = vector.fma %a, %b, %c : vector<16xf32>

Ops that xDSL lacks are defined here and added to `Vector`.
"""

from __future__ import annotations

from xdsl.dialects.vector import Vector as _XdslVector
from xdsl.ir import Dialect

Vector = Dialect("vector", list(_XdslVector.operations), list(_XdslVector.attributes))

__all__ = ["Vector"]
