// Calling with a transposed (not C-contiguous) view.
// nn-opt: none (a run-time error)
// api-call: np.zeros((3, 2), np.float32).T
// error: argument 'x' must be C-contiguous
func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}
