// RUN: nn-opt %s --split-input-file -t c --verify-diagnostics

// The C emitter takes the affine level and below; higher-level ops are an error
// that names the op and says what to do.
func.func @tensor_op(%x: memref<4xf32>) {
  // expected-error @+1 {{'tensor.empty' op cannot be emitted as C; lower it to affine/scf/arith/math/memref/vector first}}
  %c = tensor.empty() : tensor<4xf32>
  %r = graph.relu %c : (tensor<4xf32>) -> tensor<4xf32>
  func.return
}

// -----

// expected-error @+1 {{argument #0 has type tensor<4xf32>; C functions take memrefs and scalars (run bufferize first)}}
func.func @tensor_arguments(%x: tensor<4xf32>) -> tensor<4xf32> {
  func.return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{memref<?xf32> has a dynamic shape; only static shapes are supported}}
func.func @dynamic(%x: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %v = memref.load %x[%c0] : memref<?xf32>
  func.return
}
