"memref.global"() <{sym_name = "w", type = memref<3xf32>, initial_value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>, sym_visibility = "private", constant}> : () -> ()
func.func @scale_rows(%A: memref<4x3xf32>, %out: memref<4x3xf32>) {
  %w = memref.get_global @w : memref<3xf32>
  %t = memref.alloc() : memref<4x3xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%A, %w : memref<4x3xf32>, memref<3xf32>) outs(%t : memref<4x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  }
  %v = memref.subview %t[1, 0] [2, 3] [1, 1] : memref<4x3xf32> to memref<2x3xf32, strided<[3, 1], offset: 3>>
  "memref.copy"(%t, %out) : (memref<4x3xf32>, memref<4x3xf32>) -> ()
  memref.dealloc %t : memref<4x3xf32>
  func.return
}
