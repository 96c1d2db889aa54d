func.func @window(%A: memref<50xf32>, %S: memref<50xf32>, %n: index) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to min affine_map<()[s0] -> (50, s0)>()[%n] {
    %s = affine.for %j = max affine_map<(d0) -> (0, d0 - 2)>(%i) to min affine_map<(d0) -> (50, d0 + 3)>(%i) iter_args(%acc = %zero) -> (f32) {
      %v = affine.load %A[%j] : memref<50xf32>
      %w = affine.if affine_set<(d0) : (d0 mod 2 == 0)>(%j) -> f32 {
        affine.yield %v : f32
      } else {
        affine.yield %zero : f32
      }
      %m = arith.maximumf %acc, %w : f32
      affine.yield %m : f32
    }
    %t = affine.apply affine_map<(d0) -> (d0 floordiv 2)>(%i)
    affine.store %s, %S[%t] : memref<50xf32>
  }
  func.return
}
