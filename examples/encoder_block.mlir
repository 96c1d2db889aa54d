// A pre-norm transformer encoder block: 6 tokens of width 8, 2 heads of depth 4.
// x + attention(layer_norm(x)) then + mlp(layer_norm(.)) with a GELU.
func.func @encoder_block(%x: tensor<1x6x8xf32>,
                         %g1: tensor<8xf32>, %e1: tensor<8xf32>,
                         %wq: tensor<8x8xf32>, %wk: tensor<8x8xf32>, %wv: tensor<8x8xf32>,
                         %wo: tensor<8x8xf32>, %bo: tensor<8xf32>,
                         %g2: tensor<8xf32>, %e2: tensor<8xf32>,
                         %w1: tensor<8x16xf32>, %b1: tensor<16xf32>,
                         %w2: tensor<16x8xf32>, %b2: tensor<8xf32>) -> tensor<1x6x8xf32> {
  %n1 = graph.layer_norm %x, %g1, %e1 : (tensor<1x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x6x8xf32>
  %q = graph.matmul %n1, %wq : (tensor<1x6x8xf32>, tensor<8x8xf32>) -> tensor<1x6x8xf32>
  %k = graph.matmul %n1, %wk : (tensor<1x6x8xf32>, tensor<8x8xf32>) -> tensor<1x6x8xf32>
  %v = graph.matmul %n1, %wv : (tensor<1x6x8xf32>, tensor<8x8xf32>) -> tensor<1x6x8xf32>
  %q4 = graph.reshape %q : (tensor<1x6x8xf32>) -> tensor<1x6x2x4xf32>
  %k4 = graph.reshape %k : (tensor<1x6x8xf32>) -> tensor<1x6x2x4xf32>
  %v4 = graph.reshape %v : (tensor<1x6x8xf32>) -> tensor<1x6x2x4xf32>
  %qh = graph.transpose %q4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x6x2x4xf32>) -> tensor<1x2x6x4xf32>
  %kh = graph.transpose %k4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x6x2x4xf32>) -> tensor<1x2x6x4xf32>
  %vh = graph.transpose %v4 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x6x2x4xf32>) -> tensor<1x2x6x4xf32>
  %att = graph.attention %qh, %kh, %vh : (tensor<1x2x6x4xf32>, tensor<1x2x6x4xf32>, tensor<1x2x6x4xf32>) -> tensor<1x2x6x4xf32>
  %at = graph.transpose %att {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x6x4xf32>) -> tensor<1x6x2x4xf32>
  %a = graph.reshape %at : (tensor<1x6x2x4xf32>) -> tensor<1x6x8xf32>
  %o = graph.matmul %a, %wo : (tensor<1x6x8xf32>, tensor<8x8xf32>) -> tensor<1x6x8xf32>
  %ob = graph.add %o, %bo : (tensor<1x6x8xf32>, tensor<8xf32>) -> tensor<1x6x8xf32>
  %h = graph.add %x, %ob : (tensor<1x6x8xf32>, tensor<1x6x8xf32>) -> tensor<1x6x8xf32>
  %n2 = graph.layer_norm %h, %g2, %e2 : (tensor<1x6x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x6x8xf32>
  %u = graph.matmul %n2, %w1 : (tensor<1x6x8xf32>, tensor<8x16xf32>) -> tensor<1x6x16xf32>
  %ub = graph.add %u, %b1 : (tensor<1x6x16xf32>, tensor<16xf32>) -> tensor<1x6x16xf32>
  %ug = graph.gelu %ub : (tensor<1x6x16xf32>) -> tensor<1x6x16xf32>
  %d = graph.matmul %ug, %w2 : (tensor<1x6x16xf32>, tensor<16x8xf32>) -> tensor<1x6x8xf32>
  %db = graph.add %d, %b2 : (tensor<1x6x8xf32>, tensor<8xf32>) -> tensor<1x6x8xf32>
  %y = graph.add %h, %db : (tensor<1x6x8xf32>, tensor<1x6x8xf32>) -> tensor<1x6x8xf32>
  func.return %y : tensor<1x6x8xf32>
}
