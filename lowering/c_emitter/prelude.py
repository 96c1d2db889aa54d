"""The C text every generated file starts with: includes and small helpers.

The helpers give affine integer division its mathematical meaning (C's `/`
truncates toward zero) and give `arith.maximumf`/`minimumf` their NaN-propagating
meaning (C's fmaxf ignores NaN).
"""

PRELUDE = r"""#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NN_HELPER static inline __attribute__((unused))

NN_HELPER intptr_t nn_floordiv(intptr_t a, intptr_t b) {
  intptr_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
NN_HELPER intptr_t nn_ceildiv(intptr_t a, intptr_t b) {
  intptr_t q = a / b;
  return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;
}
NN_HELPER intptr_t nn_mod(intptr_t a, intptr_t b) {
  intptr_t r = a % b;
  return r < 0 ? r + (b < 0 ? -b : b) : r;
}
NN_HELPER intptr_t nn_min(intptr_t a, intptr_t b) { return a < b ? a : b; }
NN_HELPER intptr_t nn_max(intptr_t a, intptr_t b) { return a > b ? a : b; }
NN_HELPER float nn_maximumf(float a, float b) {
  return (a != a || b != b) ? NAN : (a > b ? a : (b > a ? b : (signbit(a) ? b : a)));
}
NN_HELPER float nn_minimumf(float a, float b) {
  return (a != a || b != b) ? NAN : (a < b ? a : (b < a ? b : (signbit(a) ? a : b)));
}
NN_HELPER double nn_maximum(double a, double b) {
  return (a != a || b != b) ? NAN : (a > b ? a : (b > a ? b : (signbit(a) ? b : a)));
}
NN_HELPER double nn_minimum(double a, double b) {
  return (a != a || b != b) ? NAN : (a < b ? a : (b < a ? b : (signbit(a) ? a : b)));
}
NN_HELPER void nn_abort_alloc(void) {
  fputs("nn-opt generated code: out of memory in a parallel loop\n", stderr);
  abort();
}
NN_HELPER void *nn_alloc(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  return aligned_alloc(64, rounded ? rounded : 64);
}
"""
