// graph.matmul whose inner dimensions differ.
// error: matmul inner dimensions differ
func.func @f(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  %c = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  func.return %c : tensor<2x5xf32>
}
