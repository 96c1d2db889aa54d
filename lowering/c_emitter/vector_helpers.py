"""C helper definitions for one vector type, generated on demand.

    vector_typedefs("float", 16)  # typedefs nn_f32x16 (aligned), nn_f32x16_u (unaligned)
    vector_math("float", 16)      # nn_f32x16_exp, _maximumf, _minimumf, _select, reductions

Everything is written with GCC/Clang vector extensions, so the same text builds
for x86 (AVX2/AVX-512), ARM NEON and RISC-V V. exp is a Cody-Waite range
reduction with a degree-6 polynomial (about 1 ulp on [-87, 88]); the rounding
uses the 1.5*2^23 trick, so these helpers must not be built with -ffast-math.
"""

from __future__ import annotations

_SUFFIX = {"float": "f32", "double": "f64", "int32_t": "i32", "int64_t": "i64"}
_BYTES = {"float": 4, "double": 8, "int32_t": 4, "int64_t": 8}
_MASK_ELEMENT = {"float": "int32_t", "double": "int64_t", "int32_t": "int32_t", "int64_t": "int64_t"}


def vector_name(element: str, lanes: int) -> str:
    return f"nn_{_SUFFIX[element]}x{lanes}"


def mask_element(element: str) -> str:
    return _MASK_ELEMENT[element]


def vector_typedefs(element: str, lanes: int) -> str:
    name = vector_name(element, lanes)
    size = _BYTES[element] * lanes
    return (
        f"typedef {element} {name} __attribute__((vector_size({size})));\n"
        f"typedef {element} {name}_u __attribute__((vector_size({size}), aligned({_BYTES[element]}), may_alias));"
    )


def vector_math(element: str, lanes: int) -> str:
    """Elementwise helpers for a float vector type (its mask type must exist)."""
    v = vector_name(element, lanes)
    m = vector_name(_MASK_ELEMENT[element], lanes)
    s = "f" if element == "float" else ""
    lines = [
        f"NN_HELPER {v} {v}_select({m} c, {v} a, {v} b) {{",
        f"  return ({v})((c & ({m})a) | (~c & ({m})b));",
        "}",
        f"NN_HELPER {v} {v}_maximumf({v} a, {v} b) {{",
        f"  {v} r = {v}_select(a > b, a, b);",
        f"  return {v}_select((a != a) | (b != b), a + b, r);",
        "}",
        f"NN_HELPER {v} {v}_minimumf({v} a, {v} b) {{",
        f"  {v} r = {v}_select(a < b, a, b);",
        f"  return {v}_select((a != a) | (b != b), a + b, r);",
        "}",
        f"NN_HELPER {v} {v}_maxnumf({v} a, {v} b) {{",
        f"  return {v}_select((a > b) | (b != b), a, b);",
        "}",
        f"NN_HELPER {v} {v}_minnumf({v} a, {v} b) {{",
        f"  return {v}_select((a < b) | (b != b), a, b);",
        "}",
        f"NN_HELPER {element} {v}_reduce_add({v} a) {{",
        f"  {element} r = 0;",
        f"  for (int l = 0; l < {lanes}; ++l) r += a[l];",
        "  return r;",
        "}",
        f"NN_HELPER {element} {v}_reduce_mul({v} a) {{",
        f"  {element} r = 1;",
        f"  for (int l = 0; l < {lanes}; ++l) r *= a[l];",
        "  return r;",
        "}",
        f"NN_HELPER {element} {v}_reduce_maximumf({v} a) {{",
        f"  {element} r = a[0];",
        f"  for (int l = 1; l < {lanes}; ++l) r = (r != r || a[l] != a[l]) ? r + a[l] : (a[l] > r ? a[l] : r);",
        "  return r;",
        "}",
        f"NN_HELPER {element} {v}_reduce_minimumf({v} a) {{",
        f"  {element} r = a[0];",
        f"  for (int l = 1; l < {lanes}; ++l) r = (r != r || a[l] != a[l]) ? r + a[l] : (a[l] < r ? a[l] : r);",
        "  return r;",
        "}",
        f"NN_HELPER {element} {v}_reduce_maxnumf({v} a) {{",
        f"  {element} r = a[0];",
        f"  for (int l = 1; l < {lanes}; ++l) r = fmax{s}(r, a[l]);",
        "  return r;",
        "}",
        f"NN_HELPER {element} {v}_reduce_minnumf({v} a) {{",
        f"  {element} r = a[0];",
        f"  for (int l = 1; l < {lanes}; ++l) r = fmin{s}(r, a[l]);",
        "  return r;",
        "}",
    ]
    if element == "float":
        lines += [
            f"NN_HELPER {v} {v}_exp({v} x) {{",
            "  /* exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 */",
            f"  const {v} hi = ({v}){{}} + 88.72283935546875f, lo = ({v}){{}} - 103.972076416015625f;",
            f"  {v} c = {v}_select(x > hi, hi, x);",
            f"  c = {v}_select(c < lo, lo, c);",
            f"  const {v} shifter = ({v}){{}} + 12582912.0f; /* 1.5 * 2^23 */",
            f"  {v} n = c * 1.44269504088896341f + shifter;",
            f"  {m} bits = ({m})n - ({m})shifter;",
            "  n = n - shifter;",
            "  {v} r = c - n * 0.693359375f;".replace("{v}", v),
            "  r = r - n * -2.12194440e-4f;",
            f"  {v} p = ({v}){{}} + 1.9875691500E-4f;",
            "  p = p * r + 1.3981999507E-3f;",
            "  p = p * r + 8.3334519073E-3f;",
            "  p = p * r + 4.1665795894E-2f;",
            "  p = p * r + 1.6666665459E-1f;",
            "  p = p * r + 5.0000001201E-1f;",
            "  p = p * (r * r) + r + 1.0f;",
            "  /* 2^n as two normal powers of two, so that n may reach 128 and -150 */",
            f"  {m} half = bits >> 1;",
            f"  {v} y = p * ({v})((half + 127) << 23) * ({v})((bits - half + 127) << 23);",
            f"  y = {v}_select(x > hi, ({v}){{}} + INFINITY, y);",
            f"  y = {v}_select(x < lo, ({v}){{}}, y);",
            f"  return {v}_select(x != x, x, y);",
            "}",
        ]
    return "\n".join(lines)


def vector_lane_call(element: str, lanes: int, function: str, arity: int) -> tuple[str, str]:
    """A helper applying a scalar libm function lane by lane: (name, definition)."""
    v = vector_name(element, lanes)
    name = f"{v}_{function}"
    params = ", ".join(f"{v} a{i}" for i in range(arity))
    args = ", ".join(f"a{i}[l]" for i in range(arity))
    definition = (
        f"NN_HELPER {v} {name}({params}) {{\n"
        f"  {v} r;\n"
        f"  for (int l = 0; l < {lanes}; ++l) r[l] = {function}({args});\n"
        "  return r;\n"
        "}"
    )
    return name, definition
