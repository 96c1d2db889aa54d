// The C emitter's new name check rejected bufferize's constant globals (__constant_0): names are checked against keywords, helpers and library names only (found by the graph fuzzer).
// fuzz-function: f
// fuzz-inputs: seed=0 scalars=
// fuzz-variant: level=0 target=native pipeline=
builtin.module {
  func.func @f(%a0: tensor<1xf32>) -> tensor<f32> {
    %c1 = graph.constant dense<0.000000e+00> : tensor<1xf32>
    %v0 = graph.matmul %a0, %c1 : (tensor<1xf32>, tensor<1xf32>) -> tensor<f32>
    func.return %v0 : tensor<f32>
  }
}
