// RUN: nn-opt %s -p 'poly-schedule{tile-sizes=16}' 2>/dev/null | filecheck %s --check-prefix=NN
// RUN: nn-opt %s -p 'poly-schedule' 2>/dev/null | filecheck %s --check-prefix=DEFAULT
// RUN: nn-opt %s -p 'poly-schedule{fuse=smartfuse tile-sizes=16}' 2>/dev/null | filecheck %s --check-prefix=SMART
// RUN: nn-opt %s -p 'poly-schedule{fuse=nofuse tile=false}' 2>/dev/null | filecheck %s --check-prefix=NOFUSE
// RUN: nn-opt %s -p 'poly-schedule{scheduler=isl tile-sizes=16}' 2>/dev/null | filecheck %s --check-prefix=ISL
// RUN: nn-opt %s -p 'poly-schedule{parallel=false simd=false tile=false}' 2>/dev/null | filecheck %s --check-prefix=PLAIN
// RUN: nn-opt %s -p 'poly-schedule{print-schedule=true}' 2>&1 >/dev/null | filecheck %s --check-prefix=PRINT
// RUN: nn-opt %s -p 'poly-schedule{tile-sizes=16}' -t c 2>/dev/null | %cc -fopenmp - -o /dev/null

// Matmul with its zero initialisation. nn: one band (i, j) holds the init and the
// k loop; tiled by 16, the j point loop is sunk into the init and below k and
// marked simd; the i tile loop runs in parallel. smartfuse distributes the init
// and tiles the full (i, k, j) band, j innermost.
// NN-LABEL: func.func @matmul
// NN:      affine.for %[[I0:.*]] = 0 to 128 step 16 {
// NN-NEXT:   affine.for %[[J0:.*]] = 0 to 160 step 16 {
// NN-NEXT:     affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[I0]]) to affine_map<(d0) -> ((d0 + 16))>(%[[I0]]) {
// NN-NEXT:       affine.for %[[J:.*]] = affine_map<(d0) -> (d0)>(%[[J0]]) to affine_map<(d0) -> ((d0 + 16))>(%[[J0]]) {
// NN-NEXT:         affine.store %zero, %C[%[[I]], %[[J]]]
// NN-NEXT:       } {nnopt.simd}
// NN-NEXT:       affine.for %[[K0:.*]] = 0 to 96 step 16 {
// NN-NEXT:         affine.for %[[K:.*]] = affine_map<(d0) -> (d0)>(%[[K0]]) to affine_map<(d0) -> ((d0 + 16))>(%[[K0]]) {
// NN-NEXT:           affine.for %[[J2:.*]] = affine_map<(d0) -> (d0)>(%[[J0]]) to affine_map<(d0) -> ((d0 + 16))>(%[[J0]]) {
// NN-NEXT:             affine.load %A[%[[I]], %[[K]]]
// NN-NEXT:             affine.load %B[%[[K]], %[[J2]]]
// NN:                  affine.store %{{.*}}, %C[%[[I]], %[[J2]]]
// NN-NEXT:           } {nnopt.simd}
// NN-NEXT:         } {nnopt.reduction}
// NN-NEXT:       } {nnopt.reduction}
// NN:      } {nnopt.parallel}
// NN-NEXT: func.return

// DEFAULT-LABEL: func.func @matmul
// DEFAULT:      affine.for %[[I:.*]] = 0 to 128 {
// DEFAULT-NEXT:   affine.for %[[J:.*]] = 0 to 160 {
// DEFAULT-NEXT:     affine.store %zero, %C[%[[I]], %[[J]]]
// DEFAULT-NEXT:   } {nnopt.simd}
// DEFAULT-NEXT:   affine.for %[[K:.*]] = 0 to 96 {
// DEFAULT-NEXT:     affine.for %[[J2:.*]] = 0 to 160 {
// DEFAULT:          } {nnopt.simd}
// DEFAULT-NEXT:   } {nnopt.reduction}
// DEFAULT-NEXT: } {nnopt.parallel}

// SMART-LABEL: func.func @matmul
// SMART:      affine.store %zero, %C
// SMART:      affine.for %[[I0:.*]] = 0 to 128 step 16 {
// SMART-NEXT:   affine.for %[[K0:.*]] = 0 to 96 step 16 {
// SMART-NEXT:     affine.for %[[J0:.*]] = 0 to 160 step 16 {
// SMART-NEXT:       affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[I0]])
// SMART-NEXT:         affine.for %[[K:.*]] = affine_map<(d0) -> (d0)>(%[[K0]])
// SMART-NEXT:           affine.for %[[J:.*]] = affine_map<(d0) -> (d0)>(%[[J0]])
// SMART:                  affine.store %{{.*}}, %C[%[[I]], %[[J]]]
// SMART-NEXT:           } {nnopt.simd}
// SMART-NEXT:         } {nnopt.reduction}
// SMART:        } {nnopt.reduction}
// SMART:      } {nnopt.parallel}

// PLAIN-LABEL: func.func @matmul
// PLAIN-NOT: nnopt.
// PLAIN: func.return

func.func @matmul(%A: memref<128x96xf32>, %B: memref<96x160xf32>, %C: memref<128x160xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 128 {
    affine.for %j = 0 to 160 {
      affine.store %zero, %C[%i, %j] : memref<128x160xf32>
    }
  }
  affine.for %i = 0 to 128 {
    affine.for %j = 0 to 160 {
      affine.for %k = 0 to 96 {
        %a = affine.load %A[%i, %k] : memref<128x96xf32>
        %b = affine.load %B[%k, %j] : memref<96x160xf32>
        %c = affine.load %C[%i, %j] : memref<128x160xf32>
        %p = arith.mulf %a, %b : f32
        %s = arith.addf %c, %p : f32
        affine.store %s, %C[%i, %j] : memref<128x160xf32>
      }
    }
  }
  func.return
}



// conv + bias + ReLU as four nests, as a lowering emits them. nn fuses them into
// one band over the output pixels (f, h): the init, the reduction over (c, r, s)
// with the w loop sunk below c but above the 3x3 window, the bias and the ReLU
// all run for one output row before the next. smartfuse and nofuse keep the
// conv apart from its epilogue; isl's scheduler guards the init inside the c loop.
// NN-LABEL: func.func @conv_bias_relu
// NN:      affine.for %[[F:.*]] = 0 to 16 {
// NN-NEXT:   affine.for %[[H:.*]] = 0 to 14 {
// NN-NEXT:     affine.for %[[W:.*]] = 0 to 14 {
// NN-NEXT:       affine.store %zero, %O[%[[F]], %[[H]], %[[W]]]
// NN-NEXT:     } {nnopt.simd}
// NN-NEXT:     affine.for %[[C:.*]] = 0 to 8 {
// NN-NEXT:       affine.for %[[W2:.*]] = 0 to 14 {
// NN-NEXT:         affine.for %[[R:.*]] = 0 to 3 {
// NN-NEXT:           affine.for %[[S:.*]] = 0 to 3 {
// NN-NEXT:             affine.load %I[%[[C]], %[[H]] + %[[R]], %[[W2]] + %[[S]]]
// NN:                  affine.store %q, %O[%[[F]], %[[H]], %[[W2]]]
// NN-NEXT:           } {nnopt.reduction}
// NN-NEXT:         } {nnopt.reduction}
// NN-NEXT:       } {nnopt.simd}
// NN-NEXT:     } {nnopt.reduction}
// NN-NEXT:     affine.for %[[W3:.*]] = 0 to 14 {
// NN:            affine.store %sum, %O[%[[F]], %[[H]], %[[W3]]]
// NN-NEXT:     } {nnopt.simd}
// NN-NEXT:     affine.for %[[W4:.*]] = 0 to 14 {
// NN:            affine.store %relu, %Y[%[[F]], %[[H]], %[[W4]]]
// NN-NEXT:     } {nnopt.simd}
// NN-NEXT:   }
// NN-NEXT: } {nnopt.parallel}
// NN-NEXT: func.return

// DEFAULT-LABEL: func.func @conv_bias_relu
// DEFAULT:      affine.store %zero, %O
// DEFAULT:      affine.store %q, %O
// DEFAULT:      affine.store %sum, %O
// DEFAULT:      affine.store %relu, %Y
// DEFAULT-NEXT:     } {nnopt.simd}
// DEFAULT-NEXT:   }
// DEFAULT-NEXT: } {nnopt.parallel}
// DEFAULT-NEXT: func.return

// SMART-LABEL: func.func @conv_bias_relu
// SMART:      affine.store %zero, %O
// SMART:      {{^    affine.for}}
// SMART:      affine.store %q, %O
// SMART:      } {nnopt.parallel}
// SMART-NEXT: {{^    affine.for}}
// SMART:      affine.store %sum, %O
// SMART:      affine.store %relu, %Y
// SMART:      func.return

// NOFUSE-LABEL: func.func @conv_bias_relu
// NOFUSE-COUNT-4: {{^    affine.for}}
// NOFUSE-NOT: {{^    affine.for}}
// NOFUSE: func.return

// ISL-LABEL: func.func @conv_bias_relu
// ISL:      affine.for %[[C:.*]] = 0 to 8 {
// ISL-NEXT:   affine.for %[[W:.*]] = 0 to 14 {
// ISL-NEXT:     affine.if affine_set<(d0) : (d0 == 0)>(%[[C]]) {
// ISL-NEXT:       affine.store %zero, %O
// ISL:      affine.store %relu, %Y
// ISL:      } {nnopt.parallel}
// ISL-NEXT: func.return

func.func @conv_bias_relu(%I: memref<8x16x16xf32>, %W: memref<16x8x3x3xf32>, %Bias: memref<16xf32>, %O: memref<16x14x14xf32>, %Y: memref<16x14x14xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %f = 0 to 16 {
    affine.for %h = 0 to 14 {
      affine.for %w = 0 to 14 {
        affine.store %zero, %O[%f, %h, %w] : memref<16x14x14xf32>
      }
    }
  }
  affine.for %f = 0 to 16 {
    affine.for %h = 0 to 14 {
      affine.for %w = 0 to 14 {
        affine.for %c = 0 to 8 {
          affine.for %r = 0 to 3 {
            affine.for %s = 0 to 3 {
              %x = affine.load %I[%c, %h + %r, %w + %s] : memref<8x16x16xf32>
              %k = affine.load %W[%f, %c, %r, %s] : memref<16x8x3x3xf32>
              %acc = affine.load %O[%f, %h, %w] : memref<16x14x14xf32>
              %p = arith.mulf %x, %k : f32
              %q = arith.addf %acc, %p : f32
              affine.store %q, %O[%f, %h, %w] : memref<16x14x14xf32>
            }
          }
        }
      }
    }
  }
  affine.for %f = 0 to 16 {
    affine.for %h = 0 to 14 {
      affine.for %w = 0 to 14 {
        %v = affine.load %O[%f, %h, %w] : memref<16x14x14xf32>
        %bv = affine.load %Bias[%f] : memref<16xf32>
        %sum = arith.addf %v, %bv : f32
        affine.store %sum, %O[%f, %h, %w] : memref<16x14x14xf32>
      }
    }
  }
  affine.for %f = 0 to 16 {
    affine.for %h = 0 to 14 {
      affine.for %w = 0 to 14 {
        %v = affine.load %O[%f, %h, %w] : memref<16x14x14xf32>
        %relu = arith.maximumf %v, %zero : f32
        affine.store %relu, %Y[%f, %h, %w] : memref<16x14x14xf32>
      }
    }
  }
  func.return
}



// Attention statements for one head: scores, row max, exp, row sum, weighted
// values, normalisation, and their initialisations, ten nests over the rows i.
// nn fuses all of them at row level: one parallel loop over i (tiled by 16)
// holds every statement, in dependence order. nofuse keeps ten nests.
// NN-LABEL: func.func @attention_rows
// NN:      affine.for %[[I0:.*]] = 0 to 64 step 16 {
// NN-NEXT:   affine.for %[[I:.*]] = affine_map<(d0) -> (d0)>(%[[I0]]) to affine_map<(d0) -> ((d0 + 16))>(%[[I0]]) {
// NN:          affine.store %zero, %S[%[[I]],
// NN:          affine.store %sn, %S[%[[I]],
// NN:        affine.store %lowest, %Mx[%[[I]]]
// NN:          affine.store %mn, %Mx[%[[I]]]
// NN:          affine.store %e, %S[%[[I]],
// NN:        affine.store %zero, %Sum[%[[I]]]
// NN:          affine.store %ln, %Sum[%[[I]]]
// NN:          affine.store %zero, %O[%[[I]],
// NN:          affine.store %on, %O[%[[I]],
// NN:          affine.store %on_1, %O[%[[I]],
// NN:        } {nnopt.simd}
// NN-NEXT:   }
// NN-NEXT: } {nnopt.parallel}
// NN-NEXT: func.return

// NOFUSE-LABEL: func.func @attention_rows
// NOFUSE-COUNT-10: {{^    affine.for}}
// NOFUSE-NOT: {{^    affine.for}}
// NOFUSE: func.return

func.func @attention_rows(%Q: memref<64x16xf32>, %K: memref<64x16xf32>, %V: memref<64x16xf32>, %S: memref<64x64xf32>, %Mx: memref<64xf32>, %Sum: memref<64xf32>, %O: memref<64x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      affine.store %zero, %S[%i, %j] : memref<64x64xf32>
    }
  }
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      affine.for %d = 0 to 16 {
        %q = affine.load %Q[%i, %d] : memref<64x16xf32>
        %k = affine.load %K[%j, %d] : memref<64x16xf32>
        %s = affine.load %S[%i, %j] : memref<64x64xf32>
        %qk = arith.mulf %q, %k : f32
        %sn = arith.addf %s, %qk : f32
        affine.store %sn, %S[%i, %j] : memref<64x64xf32>
      }
    }
  }
  affine.for %i = 0 to 64 {
    affine.store %lowest, %Mx[%i] : memref<64xf32>
  }
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      %m = affine.load %Mx[%i] : memref<64xf32>
      %s = affine.load %S[%i, %j] : memref<64x64xf32>
      %mn = arith.maximumf %m, %s : f32
      affine.store %mn, %Mx[%i] : memref<64xf32>
    }
  }
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      %s = affine.load %S[%i, %j] : memref<64x64xf32>
      %m = affine.load %Mx[%i] : memref<64xf32>
      %df = arith.subf %s, %m : f32
      %e = math.exp %df : f32
      affine.store %e, %S[%i, %j] : memref<64x64xf32>
    }
  }
  affine.for %i = 0 to 64 {
    affine.store %zero, %Sum[%i] : memref<64xf32>
  }
  affine.for %i = 0 to 64 {
    affine.for %j = 0 to 64 {
      %l = affine.load %Sum[%i] : memref<64xf32>
      %p = affine.load %S[%i, %j] : memref<64x64xf32>
      %ln = arith.addf %l, %p : f32
      affine.store %ln, %Sum[%i] : memref<64xf32>
    }
  }
  affine.for %i = 0 to 64 {
    affine.for %d = 0 to 16 {
      affine.store %zero, %O[%i, %d] : memref<64x16xf32>
    }
  }
  affine.for %i = 0 to 64 {
    affine.for %d = 0 to 16 {
      affine.for %j = 0 to 64 {
        %p = affine.load %S[%i, %j] : memref<64x64xf32>
        %v = affine.load %V[%j, %d] : memref<64x16xf32>
        %o = affine.load %O[%i, %d] : memref<64x16xf32>
        %pv = arith.mulf %p, %v : f32
        %on = arith.addf %o, %pv : f32
        affine.store %on, %O[%i, %d] : memref<64x16xf32>
      }
    }
  }
  affine.for %i = 0 to 64 {
    affine.for %d = 0 to 16 {
      %o = affine.load %O[%i, %d] : memref<64x16xf32>
      %l = affine.load %Sum[%i] : memref<64xf32>
      %on = arith.divf %o, %l : f32
      affine.store %on, %O[%i, %d] : memref<64x16xf32>
    }
  }
  func.return
}



// jacobi-2d: the time loop carries every dependence, so no loop is parallel as
// written. Pluto skews the band to (t, 2t + i, 2t + j) (the second sweep
// shifted by one), tiles it in time and space, and runs the tiles in
// wavefronts: the outer loop enumerates t/16 + (2t+i)/16 and the second tile
// loop is parallel. Point loops keep the skewed indices; each sweep has its
// own innermost loop (vectorizable rows).
// NN-LABEL: func.func @jacobi_2d
// NN:      affine.for %[[WAVE:.*]] = 0 to {{[0-9]+}} {
// NN-NEXT:   affine.for %[[T1:.*]] = max affine_map<{{.*}}>(%[[WAVE]]) to min affine_map<{{.*}}>(%[[WAVE]]) step 16 {
// NN-NEXT:     affine.for %[[T2:.*]] = max affine_map<{{.*}}>(%[[WAVE]], %[[T1]]) to min affine_map<{{.*}}>(%[[WAVE]], %[[T1]]) step 16 {
// NN-NEXT:       affine.for %[[T:.*]] = max
// NN-NEXT:         affine.for %[[I:.*]] = max
// NN:                  affine.for %[[J:.*]] = max
// NN:                    affine.store %o, %B[%[[T]] * -2 + %[[I]], %[[T]] * -2 + %[[J]]]
// NN-NEXT:             }
// NN:                  affine.for %[[J2:.*]] = max
// NN:                  affine.store %o_1, %A[%[[T]] * -2 + %[[I]] + -1, %[[T]] * -2 + %[[J2]] + -1]
// NN:        } {nnopt.parallel}
// NN-NEXT: }
// NN-NEXT: func.return

func.func @jacobi_2d(%A: memref<128x128xf32>, %B: memref<128x128xf32>) {
  %fifth = arith.constant 0.2 : f32
  affine.for %t = 0 to 32 {
    affine.for %i = 1 to 127 {
      affine.for %j = 1 to 127 {
        %c = affine.load %A[%i, %j] : memref<128x128xf32>
        %w = affine.load %A[%i, %j - 1] : memref<128x128xf32>
        %e = affine.load %A[%i, %j + 1] : memref<128x128xf32>
        %s = affine.load %A[%i + 1, %j] : memref<128x128xf32>
        %n = affine.load %A[%i - 1, %j] : memref<128x128xf32>
        %a1 = arith.addf %c, %w : f32
        %a2 = arith.addf %a1, %e : f32
        %a3 = arith.addf %a2, %s : f32
        %a4 = arith.addf %a3, %n : f32
        %o = arith.mulf %fifth, %a4 : f32
        affine.store %o, %B[%i, %j] : memref<128x128xf32>
      }
    }
    affine.for %i = 1 to 127 {
      affine.for %j = 1 to 127 {
        %c = affine.load %B[%i, %j] : memref<128x128xf32>
        %w = affine.load %B[%i, %j - 1] : memref<128x128xf32>
        %e = affine.load %B[%i, %j + 1] : memref<128x128xf32>
        %s = affine.load %B[%i + 1, %j] : memref<128x128xf32>
        %n = affine.load %B[%i - 1, %j] : memref<128x128xf32>
        %a1 = arith.addf %c, %w : f32
        %a2 = arith.addf %a1, %e : f32
        %a3 = arith.addf %a2, %s : f32
        %a4 = arith.addf %a3, %n : f32
        %o = arith.mulf %fifth, %a4 : f32
        affine.store %o, %A[%i, %j] : memref<128x128xf32>
      }
    }
  }
  func.return
}



// A loop carrying a value in iter_args is not modelled: the pass must leave it
// as it is (see poly-schedule-declined.mlir for the remark).
// NN-LABEL: func.func @carried_sum
// NN-NEXT:   %zero = arith.constant
// NN-NEXT:   %sum = affine.for %i = 0 to 64 iter_args(%acc = %zero) -> (f32) {
// NN-NEXT:     %v = affine.load %A[%i]
// NN-NEXT:     %n = arith.addf %acc, %v : f32
// NN-NEXT:     affine.yield %n : f32
// NN-NEXT:   }
// NN-NEXT:   affine.store %sum, %S[0]

func.func @carried_sum(%A: memref<64xf32>, %S: memref<1xf32>) {
  %zero = arith.constant 0.0 : f32
  %sum = affine.for %i = 0 to 64 iter_args(%acc = %zero) -> (f32) {
    %v = affine.load %A[%i] : memref<64xf32>
    %n = arith.addf %acc, %v : f32
    affine.yield %n : f32
  }
  affine.store %sum, %S[0] : memref<1xf32>
  func.return
}

// The debugging view: statements, a dependence summary, reductions, the tree.
// PRINT-LABEL: scop at {{.*}}poly-schedule.mlir:{{[0-9]+}}:3: 2 statements, parameters []
// PRINT:       S1 { S1[i, j, k] : 0 <= i <= 127 and 0 <= j <= 159 and 0 <= k <= 95 }
// PRINT:       write M0_C { S1[i, j, k] -> M0_C[i, j]
// PRINT:       dependences: S0 -> S1 (RAW WAW); S1 -> S1 (RAW WAR WAW)
// PRINT-NEXT:  reduction: S1 over k into M0_C, relaxed
// PRINT-NEXT:  schedule:
// PRINT:       schedule: "[{ S1[i, j, k] -> [(k)] }]"
// PRINT:       mark: "simd"
// PRINT-LABEL: scop at {{.*}}: 4 statements
