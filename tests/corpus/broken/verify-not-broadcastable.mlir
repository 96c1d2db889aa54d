// graph.add of shapes numpy cannot broadcast.
// error: are not broadcastable
func.func @f(%a: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<2x3xf32> {
  %c = graph.add %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  func.return %c : tensor<2x3xf32>
}
