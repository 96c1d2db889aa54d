// RUN: nn-opt %s -p default-pipeline -t c 2>/dev/null | filecheck %s --check-prefix=AUTO
// RUN: nn-opt %s -p default-pipeline -t c 2>/dev/null | %cc -fopenmp - -o /dev/null
// RUN: nn-opt %s -p 'graph-conv-strategy{strategy=direct},convert-graph-to-linalg,bufferize,convert-linalg-to-affine,poly-schedule,affine-vectorize,affine-register-block' -t c 2>/dev/null | filecheck %s --check-prefix=DIRECT
// RUN: nn-opt %s -p 'graph-conv-strategy{strategy=direct},convert-graph-to-linalg,bufferize,convert-linalg-to-affine,poly-schedule,affine-vectorize,affine-register-block' -t c 2>/dev/null | %cc -fopenmp - -o /dev/null

// A 3x3 convolution reaches C as AVX-512 vectors on both strategies.
//
// im2col + GEMM (the default for this size): the packed GEMM's micro-kernel
// (outlined for OpenMP) keeps 8 rows x 2 vectors of accumulators in registers
// across the reduction over the 16*3*3 = 144 patch elements, one broadcast
// weight per row; 8-row kernels cover the 32 output channels exactly, in two
// row blocks of 16 shared by the threads. The GEMM writes the output directly
// (its [1, 32, 256] result is a view of the [1, 32, 16, 16] output).
// AUTO-LABEL: static void nn_body3(
// AUTO:       float a_block[2304] __attribute__((aligned(64)));
// AUTO:       nn_f32x16 acc = [[INIT:v_[0-9]+]];
// AUTO:       nn_f32x16 acc_15 =
// AUTO:       for (intptr_t k_1 = 0; k_1 < 144; ++k_1) {
// AUTO:         const float [[W:v_[0-9]+]] = a_block[nn_floordiv(ir_1, 8) * 1152 + k_1 * 8 + r_1];
// AUTO:         const nn_f32x16 [[COL:v_[0-9]+]] = *(nn_f32x16_u *)&b_panel[nn_floordiv(jr, 32) * 4608 + k_1 * 32 + c];
// AUTO:         const nn_f32x16 [[WB:v_[0-9]+]] = ([[W]] - (nn_f32x16){});
// AUTO:         const nn_f32x16 [[P:v_[0-9]+]] = [[WB]] * [[COL]];
// AUTO:         const nn_f32x16 [[S:v_[0-9]+]] = acc + [[P]];
// AUTO:       *(nn_f32x16_u *)&out[{{.*}}] = acc;
// The threads also share the packing of B's column panels.
// AUTO-LABEL: int conv3x3(
// AUTO:       const intptr_t jr_end =
// AUTO-NEXT:  #pragma omp parallel for
// AUTO-NEXT:  for (intptr_t jr = 0; jr < jr_end; jr += 32) nn_body2(
// AUTO-NEXT:  #pragma omp parallel for
// AUTO-NEXT:  for (intptr_t ic = 0; ic < 32; ic += 16) nn_body3(
//
// Direct: output columns in the 16 lanes, 16 output channels register-blocked,
// the three reduction loops (input channel, kernel row, kernel column) inside.
// DIRECT-LABEL: static void nn_body1(
// DIRECT:       nn_f32x16 acc = v_1;
// DIRECT:       nn_f32x16 acc_15 = v_16;
// DIRECT:       for (intptr_t c4 = 0; c4 < 16; ++c4) {
// DIRECT:         for (intptr_t c5 = 0; c5 < 3; ++c5) {
// DIRECT:           for (intptr_t c6 = 0; c6 < 3; ++c6) {
// DIRECT:             const nn_f32x16 {{v_[0-9]+}} = *(nn_f32x16_u *)&x[{{.*}}];
// DIRECT:       *(nn_f32x16_u *)&out[c1 * 256 + c2 * 16 + c3] =
// DIRECT-LABEL: int conv3x3(
// DIRECT:       #pragma omp parallel for
// DIRECT-NEXT:  for (intptr_t c1 = 0; c1 < 32; c1 += 16) nn_body1(out, x, w, c1);
func.func @conv3x3(%x: tensor<1x16x18x18xf32>, %w: tensor<32x16x3x3xf32>) -> tensor<1x32x16x16xf32> {
  %c = graph.conv2d %x, %w : (tensor<1x16x18x18xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x16x16xf32>
  func.return %c : tensor<1x32x16x16xf32>
}
