// RUN: nn-opt %s --split-input-file -p convert-attention-to-kernel --verify-diagnostics | filecheck %s
// RUN: nn-opt %s --split-input-file -p convert-attention-to-kernel,convert-graph-to-linalg,bufferize,convert-linalg-to-affine 2>/dev/null | filecheck %s --check-prefix=FLASH

// graph.attention becomes kernel.attention with an empty destination.
// CHECK-LABEL: func.func @causal
// CHECK:      %[[E:.*]] = tensor.empty() : tensor<1x2x16x8xf32>
// CHECK-NEXT: %o = kernel.attention ins(%q, %k, %v : tensor<1x2x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>) outs(%[[E]] : tensor<1x2x16x8xf32>) {scale = 0.3535533845424652 : f32, causal = true} -> tensor<1x2x16x8xf32>
// The flash strategy: K packed transposed per head, running max, sum and output
// per query block, the causal diagonal masked by loop bounds.
// FLASH-LABEL: func.func @causal
// FLASH:     affine.for %b = 0 to 1 {
// FLASH-NEXT:  affine.for %h = 0 to 2 {
// FLASH:         %kt = memref.alloc() {alignment = 64 : i64} : memref<1x8x16xf32>
// FLASH:         affine.store %{{.*}}, %kt[%j floordiv 16, %d, %j mod 16] : memref<1x8x16xf32>
// FLASH:         affine.for %c = 0 to 16 {
// FLASH:           affine.load %kt[%j0 floordiv 16, %d_1, %c] : memref<1x8x16xf32>
// FLASH:         } {nnopt.simd}
// FLASH:         affine.for %c_2 = max affine_map<(d0, d1, d2) -> (0, (((d0 + d1) + (d2 * -1)) + 1))>(%i0, %r_{{[0-9]+}}, %j0) to 16 {
// FLASH:           math.exp
// FLASH:       } {nnopt.parallel}
func.func @causal(%q: tensor<1x2x16x8xf32>, %k: tensor<1x1x16x8xf32>, %v: tensor<1x1x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %o = graph.attention %q, %k, %v {causal = true} : (tensor<1x2x16x8xf32>, tensor<1x1x16x8xf32>, tensor<1x1x16x8xf32>) -> tensor<1x2x16x8xf32>
  func.return %o : tensor<1x2x16x8xf32>
}

// -----

// Must not apply: causal with more queries than keys leaves queries with no key.
// CHECK-LABEL: func.func @no_key_for_some_queries
// CHECK: graph.attention
func.func @no_key_for_some_queries(%q: tensor<1x1x8x4xf32>, %k: tensor<1x1x4x4xf32>, %v: tensor<1x1x4x4xf32>) -> tensor<1x1x8x4xf32> {
  // expected-remark @+1 {{not converted: a causal query would see no key (Lq > Lk)}}
  %o = graph.attention %q, %k, %v {causal = true} : (tensor<1x1x8x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x8x4xf32>
  func.return %o : tensor<1x1x8x4xf32>
}
