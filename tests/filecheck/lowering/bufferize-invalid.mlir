// RUN: nn-opt %s -p bufferize --split-input-file --verify-diagnostics

// A rank-reducing slice has no buffer view of its own rank here: reported, not
// mis-compiled.
func.func @rank_reducing(%x: tensor<4x6xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{bufferize does not handle rank-reducing slices}}
  %s = tensor.extract_slice %x[1, 0] [1, 6] [1, 1] : tensor<4x6xf32> to tensor<6xf32>
  func.return %s : tensor<6xf32>
}

// -----

// Slices with offsets known only at run time are reported.
func.func @dynamic_offset(%x: tensor<4x6xf32>, %i: index) -> tensor<2x6xf32> {
  // expected-error @+1 {{bufferize handles static slices only}}
  %s = tensor.extract_slice %x[%i, 0] [2, 6] [1, 1] : tensor<4x6xf32> to tensor<2x6xf32>
  func.return %s : tensor<2x6xf32>
}
