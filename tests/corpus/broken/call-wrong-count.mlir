// Calling a graph function with too few arguments.
// nn-opt: none (a run-time error)
// api-call: np.zeros((2, 3), np.float32)
// error: f() takes 2 arguments (x, y), got 1
func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = graph.add %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}
