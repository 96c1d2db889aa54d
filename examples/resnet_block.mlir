// A ResNet basic block with a stem and a classifier head:
// max_pool -> (conv3x3 + bn + relu -> conv3x3 + bn) + conv1x1 shortcut -> relu
// -> global average pool -> flatten -> gemm -> softmax.
func.func @resnet_block(%x: tensor<1x4x16x16xf32>,
                        %w1: tensor<8x4x3x3xf32>, %c1: tensor<8xf32>,
                        %s1: tensor<8xf32>, %b1: tensor<8xf32>, %m1: tensor<8xf32>, %v1: tensor<8xf32>,
                        %w2: tensor<8x8x3x3xf32>,
                        %s2: tensor<8xf32>, %b2: tensor<8xf32>, %m2: tensor<8xf32>, %v2: tensor<8xf32>,
                        %wd: tensor<8x4x1x1xf32>,
                        %fc: tensor<10x8xf32>, %fcb: tensor<10xf32>) -> tensor<1x10xf32> {
  %p = graph.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x16x16xf32>) -> tensor<1x4x8x8xf32>
  %a = graph.conv2d %p, %w1, %c1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %an = graph.batch_norm %a, %s1, %b1, %m1, %v1 : (tensor<1x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %ar = graph.relu %an : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %b = graph.conv2d %ar, %w2 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
  %bn = graph.batch_norm %b, %s2, %b2, %m2, %v2 : (tensor<1x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %sc = graph.conv2d %p, %wd : (tensor<1x4x8x8xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x8x8xf32>
  %sum = graph.add %bn, %sc : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %r = graph.relu %sum : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %g = graph.global_avg_pool %r : (tensor<1x8x8x8xf32>) -> tensor<1x8x1x1xf32>
  %f = graph.flatten %g : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  %logits = graph.gemm %f, %fc, %fcb {trans_b = true} : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %probs = graph.softmax %logits : (tensor<1x10xf32>) -> tensor<1x10xf32>
  func.return %probs : tensor<1x10xf32>
}
