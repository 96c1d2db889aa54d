// RUN: nn-opt %s -p lower-to-affine -t c | filecheck %s
// RUN: nn-opt %s -p lower-to-affine -t c | %cc - -o /dev/null

// Slices and reshapes become views: a subview's offset and strides show up in
// each access (x[7 + i * 6 + j] reads the cropped block), the concatenation writes
// its halves at column offsets 0 and 2 of out0, and the reshape of out0 reads it
// as 2 x 8.
// CHECK-LABEL: int f(const float *restrict x, float *restrict out0, float *restrict out1) {
// CHECK:       const float [[A:[a-z_0-9]+]] = x[7 + i * 6 + j];
// CHECK-NEXT:  {{ *}}[[C:[a-z_0-9]+]][i * 4 + j] = [[A]];
// CHECK:       out0[i_1 * 4 + j_1] = {{.*}};
// CHECK:       out0[2 + i_2 * 4 + j_2] = {{.*}};
// CHECK:       const float [[R:[a-z_0-9]+]] = out0[i_3 * 8 + j_3];
// CHECK-NEXT:  const float [[N:[a-z_0-9]+]] = -[[R]];
// CHECK-NEXT:  out1[i_3 * 8 + j_3] = [[N]];
// CHECK:       free([[C]]);
func.func @f(%x: tensor<4x6xf32>) -> (tensor<4x4xf32>, tensor<2x8xf32>) {
  %c = graph.pad %x {pads = array<i64: -1, -1, -1, -1>} : (tensor<4x6xf32>) -> tensor<2x4xf32>
  %r = graph.reshape %c : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %j = graph.concat %r, %r {axis = 1 : i64} : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x4xf32>
  %f = graph.reshape %j : (tensor<4x4xf32>) -> tensor<2x8xf32>
  %n = graph.neg %f : (tensor<2x8xf32>) -> tensor<2x8xf32>
  func.return %j, %n : tensor<4x4xf32>, tensor<2x8xf32>
}
