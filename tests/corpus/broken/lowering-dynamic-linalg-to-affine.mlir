// convert-linalg-to-affine on a linalg op over a memref of dynamic size.
// nn-opt: -p convert-linalg-to-affine
// api: compile pipeline=convert-linalg-to-affine
// error: dynamic
func.func @f(%a: memref<?xf32>, %b: memref<?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%a : memref<?xf32>) outs(%b : memref<?xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  func.return
}
