// kernel.attention (from convert-attention-to-kernel) crashed the reference executor, which read its causal flag wrongly (found by the graph fuzzer).
// fuzz-function: f
// fuzz-inputs: seed=0 scalars=
// fuzz-variant: level=0 target=native pipeline=builtin.module(convert-attention-to-kernel)
builtin.module {
  func.func @f(%a0: tensor<1x1x3x3xf32>, %a1: tensor<1x1x1x3xf32>, %a2: tensor<1x1x1x1xf32>) -> tensor<1x1x3x1xf32> {
    %v0 = graph.attention %a0, %a1, %a2 : (tensor<1x1x3x3xf32>, tensor<1x1x1x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x1xf32>
    func.return %v0 : tensor<1x1x3x1xf32>
  }
}
