// Calling a graph function with an array of the wrong shape.
// nn-opt: none (a run-time error)
// api-call: np.zeros((3, 2), np.float32)
// error: argument 'x' must have shape (2, 3), got (3, 2)
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}
