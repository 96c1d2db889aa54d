// RUN: nn-opt %s --split-input-file -p linalg-strategies | filecheck %s
// RUN: nn-opt %s --split-input-file -p 'linalg-strategies{target=generic}' --verify-diagnostics | filecheck %s --check-prefix=GENERIC

// A matmul becomes packing loops and the blocked nest over the packed panels;
// the rows below the last full 14-row tile (100 = 7 * 14 + 2) use plain loops.
// CHECK-LABEL: func.func @matmul
// CHECK:      %b_panel = memref.alloc() {alignment = 64 : i64} : memref<2x64x32xf32>
// CHECK:      affine.for %jc = 0 to 64 step 64 {
// CHECK-NEXT:   affine.for %pc = 0 to 64 step 64 {
// CHECK:          affine.store %{{.*}}, %b_panel[%jr floordiv 32, %k, %c] : memref<2x64x32xf32>
// CHECK:        affine.for %ic = 0 to 98 step 56 {
// CHECK-NEXT:     %a_block = memref.alloca() {alignment = 64 : i64} : memref<4x64x14xf32>
// CHECK:          affine.for %r_1 = 0 to 14 {
// CHECK-NEXT:       affine.for %c_1 = 0 to 32 {
// CHECK-NEXT:         affine.for %k_2 = 0 to 64 {
// CHECK-NEXT:           %{{.*}} = affine.load %a_block[%ir_1 floordiv 14, %k_2, %r_1] : memref<4x64x14xf32>
// CHECK-NEXT:           %{{.*}} = affine.load %b_panel[%jr_1 floordiv 32, %k_2, %c_1] : memref<2x64x32xf32>
// CHECK-NEXT:           %{{.*}} = affine.load %C[%ic + %ir_1 + %r_1, %jc + %jr_1 + %c_1] : memref<100x64xf32>
// CHECK:            } {nnopt.simd}
// CHECK:        } {nnopt.parallel}
// CHECK:      affine.for %i = 98 to 100 {
// CHECK:      memref.dealloc %b_panel
// GENERIC-LABEL: func.func @matmul
// GENERIC: linalg.generic
func.func @matmul(%A: memref<100x64xf32>, %B: memref<64x64xf32>, %C: memref<100x64xf32>) {
  // GENERIC-NOT: affine.for
  // expected-remark @+1 {{no GEMM strategy for target 'generic'}}
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : memref<100x64xf32>, memref<64x64xf32>) outs(%C : memref<100x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  func.return
}

// -----

// Must not apply: not a multiply-accumulate, or too small to pay for packing.
// CHECK-LABEL: func.func @not_gemm
// CHECK-COUNT-2: linalg.generic
// GENERIC-LABEL: func.func @not_gemm
func.func @not_gemm(%A: memref<64x64xf32>, %B: memref<64x64xf32>, %C: memref<64x64xf32>, %D: memref<8x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : memref<64x64xf32>, memref<64x64xf32>) outs(%C : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.maximumf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%D, %D : memref<8x8xf32>, memref<8x8xf32>) outs(%D : memref<8x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  func.return
}
