// RUN: nn-opt %s --emit=dot{view=dependences} --emit-function=fill_matmul | filecheck %s --check-prefix=DEPS
// RUN: nn-opt %s --emit=dot{view=schedule} --emit-function=fill_matmul | filecheck %s --check-prefix=TREE
// RUN: nn-opt %s --emit=dot{view=dependences} --emit-function=two_scops | filecheck %s --check-prefix=TWO
// RUN: not nn-opt %s --emit=dot{view=schedule} --emit-function=graph_level 2>&1 | filecheck %s --check-prefix=NONE

// The dependence graph: the fill feeds the reduction (RAW and WAW through C);
// the reduction's own dependences are one relaxed RED edge.
// DEPS:      digraph "fill_matmul.scop0" {
// DEPS:      "S0" [label="S0\n{ S0[i, j] : 0 <= i <= 15 and 0 <= j <= 31 }"];
// DEPS:      "S1" [label="S1\n{ S1[i, j, k] : 0 <= i <= 15 and 0 <= j <= 31 and 0 <= k <= 7 }"];
// DEPS:      "S0" -> "S1" [label="RAW\n{ S0[i, j] -> S1[i' = i, j' = j, k = 0] {{.*}}style="solid"];
// DEPS:      "S0" -> "S1" [label="WAW\n{{.*}}style="dotted"];
// DEPS:      "S1" -> "S1" [label="RED\nreduction over k into {{.*}}, relaxed", style="bold"];
// DEPS-NOT:  "S1" -> "S1" [label="RAW

// The schedule tree poly-schedule generates from: fill and reduction fused at
// the row level (fuse=nn) under one parallel band, then a sequence of the two
// statements; the reduction loop k stays outside the vector (simd) loop j.
// TREE:      "n0" [label="domain\n{ S0[i, j] : {{.*}}; S1[i, j, k] : {{.*}} }"];
// TREE-NEXT: "n1" [label="band\n[{ S0[i, j] -> [(i)]; S1[i, j, k] -> [(i)] }]\npermutable coincident=[1]"];
// TREE-NEXT: "n2" [label="sequence", shape="ellipse"];
// TREE-NEXT: "n3" [label="filter\n{ S0[i, j] : {{.*}} }"];
// TREE-NEXT: "n4" [label="mark\nsimd"];
// TREE:      "n6" [label="filter\n{ S1[i, j, k] : {{.*}} }"];
// TREE-NEXT: "n7" [label="band\n[{ S1[i, j, k] -> [(k)] }]\npermutable coincident=[0]"];
// TREE-NEXT: "n8" [label="mark\nsimd"];
// TREE:      "n2" -> "n3" [label="0"];
// TREE:      "n2" -> "n6" [label="1"];

// Two nests separated by a call are two SCoPs, one cluster each.
// TWO:       subgraph "cluster_two_scops.scop0" {
// TWO:       label="@two_scops: dependences of SCoP 0";
// TWO:       subgraph "cluster_two_scops.scop1" {
// TWO:       label="@two_scops: dependences of SCoP 1";

// NONE: error: 'func.func' op the 'schedule' view needs affine loop nests; @graph_level has none (lower it first, e.g. -p lower-to-affine)

func.func @fill_matmul(%A: memref<16x8xf32>, %B: memref<8x32xf32>, %C: memref<16x32xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 16 {
    affine.for %j = 0 to 32 {
      affine.store %zero, %C[%i, %j] : memref<16x32xf32>
    }
  }
  affine.for %i = 0 to 16 {
    affine.for %j = 0 to 32 {
      affine.for %k = 0 to 8 {
        %a = affine.load %A[%i, %k] : memref<16x8xf32>
        %b = affine.load %B[%k, %j] : memref<8x32xf32>
        %c = affine.load %C[%i, %j] : memref<16x32xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<16x32xf32>
      }
    }
  }
  func.return
}

func.func private @opaque(memref<16xf32>)

func.func @two_scops(%x: memref<16xf32>) {
  %one = arith.constant 1.0 : f32
  affine.for %i = 0 to 16 {
    affine.store %one, %x[%i] : memref<16xf32>
  }
  func.call @opaque(%x) : (memref<16xf32>) -> ()
  affine.for %i = 0 to 16 {
    %v = affine.load %x[%i] : memref<16xf32>
    %w = arith.addf %v, %one : f32
    affine.store %w, %x[%i] : memref<16xf32>
  }
  func.return
}

func.func @graph_level(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = graph.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  func.return %r : tensor<4xf32>
}
