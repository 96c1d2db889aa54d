// A graph op on a tensor of dynamic shape.
// error: only static shapes are supported
func.func @f(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %c = graph.relu %a : (tensor<?x3xf32>) -> tensor<?x3xf32>
  func.return %c : tensor<?x3xf32>
}
