// RUN: nn-opt %s --split-input-file --verify-diagnostics

func.func @inner_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{matmul inner dimensions differ: 2x3 @ 4x3 (3 vs 4)}}
  %c = graph.matmul %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  func.return %c : tensor<2x3xf32>
}

// -----

func.func @not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{shapes 2x3 and 4 are not broadcastable}}
  %c = graph.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return %c : tensor<2x3xf32>
}

// -----

func.func @wrong_result(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{result type tensor<3x2xf32> does not match the inferred type tensor<2x3xf32>}}
  %c = graph.relu %a : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %c : tensor<3x2xf32>
}

// -----

func.func @dynamic(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{has a dynamic shape (tensor<?x3xf32>); only static shapes are supported}}
  %c = graph.relu %a : (tensor<?x3xf32>) -> tensor<?x3xf32>
  func.return %c : tensor<?x3xf32>
}

// -----

func.func @mixed_types(%a: tensor<3xf32>, %b: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+1 {{operands must have one element type, got f32, f64}}
  %c = graph.add %a, %b : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  func.return %c : tensor<3xf32>
}

// -----

func.func @constant_type() -> tensor<3xf32> {
  // expected-error @+1 {{value type tensor<2xf32> differs from result type tensor<3xf32>}}
  %c = "graph.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  func.return %c : tensor<3xf32>
}

// -----

func.func @gelu_approximation(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{approximate must be "none" or "tanh", got "fast"}}
  %c = graph.gelu %a {approximate = "fast"} : (tensor<2xf32>) -> tensor<2xf32>
  func.return %c : tensor<2xf32>
}

// -----

func.func @gemm_inner(%a: tensor<4x8xf32>, %b: tensor<7x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{gemm inner dimensions differ: op(A) is 4x8, op(B) is 7x16}}
  %c = graph.gemm %a, %b : (tensor<4x8xf32>, tensor<7x16xf32>) -> tensor<4x16xf32>
  func.return %c : tensor<4x16xf32>
}

// -----

func.func @gemm_c(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x1x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{C of shape 4x1x16 does not broadcast to 4x16}}
  %y = graph.gemm %a, %b, %c : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<4x1x16xf32>) -> tensor<4x16xf32>
  func.return %y : tensor<4x16xf32>
}

// -----

func.func @conv_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{conv2d takes a 4-D NCHW input and a 4-D FCHW weight, got 3x8x8 and 4x3x3x3}}
  %c = graph.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %c : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{weight has 2 input channels, expected 3 (input channels 3 / group 1)}}
  %c = graph.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %c : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_group(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{group 4 must be >= 1 and divide both the input channels (4) and the output channels (6)}}
  %c = graph.conv2d %x, %w {group = 4 : i64} : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  func.return %c : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{bias must have shape 4 (one value per output channel), got 3}}
  %c = graph.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  func.return %c : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_window(%x: tensor<1x3x4x4xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+1 {{window of 5 (kernel 3, dilation 2) is larger than the padded input (4) in spatial dimension 0}}
  %c = graph.conv2d %x, %w {dilations = array<i64: 2, 2>} : (tensor<1x3x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  func.return %c : tensor<1x4x1x1xf32>
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{strides must all be >= 1, got [0, 1]}}
  %c = graph.conv2d %x, %w {strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %c : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{pads must have 4 values, got 2}}
  %c = graph.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %c : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_wrong_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{result type tensor<1x4x8x8xf32> does not match the inferred type tensor<1x4x6x6xf32>}}
  %c = graph.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  func.return %c : tensor<1x4x8x8xf32>
}

// -----

func.func @pool_kernel(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x7x7xf32> {
  // expected-error @+1 {{kernel_shape has 1 values for 2 spatial dimensions}}
  %c = graph.max_pool %x {kernel_shape = array<i64: 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x7x7xf32>
  func.return %c : tensor<1x3x7x7xf32>
}

// -----

func.func @pool_pad(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x11x11xf32> {
  // expected-error @+1 {{pads [2, 2, 2, 2] must be smaller than the window (2) in spatial dimension 0}}
  %c = graph.avg_pool %x {kernel_shape = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x11x11xf32>
  func.return %c : tensor<1x3x11x11xf32>
}

// -----

func.func @pool_rank(%x: tensor<8x8xf32>) -> tensor<8x1xf32> {
  // expected-error @+1 {{input must be N x C x D1 x ... (rank >= 3), got 8x8}}
  %c = graph.global_avg_pool %x : (tensor<8x8xf32>) -> tensor<8x1xf32>
  func.return %c : tensor<8x1xf32>
}

// -----

func.func @softmax_axis(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected -2..1)}}
  %c = graph.softmax %x {axis = 2 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  func.return %c : tensor<4x8xf32>
}

// -----

func.func @layer_norm_scale(%x: tensor<4x8xf32>, %g: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{scale of shape 4 does not broadcast to 8}}
  %c = graph.layer_norm %x, %g : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  func.return %c : tensor<4x8xf32>
}

// -----

func.func @batch_norm_params(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %v: tensor<4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{var must have shape 3 (one value per channel), got 4}}
  %c = graph.batch_norm %x, %s, %s, %s, %v : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  func.return %c : tensor<2x3x4xf32>
}

// -----

func.func @reduce_axes(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{reduction axes [1, -1] name an axis twice}}
  %c = graph.reduce_sum %x {axes = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %c : tensor<2x1xf32>
}

// -----

func.func @reduce_axis_range(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{reduction axis 2 is out of range for rank 2 (expected -2..1)}}
  %c = graph.reduce_max %x {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %c : tensor<2x1xf32>
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm [1, 1] is not a permutation of 0..1}}
  %c = graph.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %c : tensor<3x2xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{cannot reshape 2x3 (6 elements) into 7 (7 elements)}}
  %c = graph.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  func.return %c : tensor<7xf32>
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x7xf32> {
  // expected-error @+1 {{concat operand #1 (3x4) differs from operand #0 (2x3) in dimension 0, which is not the concat axis}}
  %c = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x7xf32>
  func.return %c : tensor<2x7xf32>
}

// -----

func.func @pad_empty(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{pads [0, -2, 0, -1] crop 2x3 to an empty tensor}}
  %c = graph.pad %x {pads = array<i64: 0, -2, 0, -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  func.return %c : tensor<2x1xf32>
}

// -----

func.func @attention_heads(%q: tensor<1x4x8x16xf32>, %k: tensor<1x3x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{key/value heads (3) must divide query heads (4)}}
  %o = graph.attention %q, %k, %k : (tensor<1x4x8x16xf32>, tensor<1x3x8x16xf32>, tensor<1x3x8x16xf32>) -> tensor<1x4x8x16xf32>
  func.return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @attention_mask(%q: tensor<1x4x8x16xf32>, %m: tensor<8x9xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{mask of shape 8x9 does not broadcast to 1x4x8x8}}
  %o = graph.attention %q, %q, %q, %m : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<8x9xf32>) -> tensor<1x4x8x16xf32>
  func.return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @attention_depth(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{key depth 8 differs from query depth 16}}
  %o = graph.attention %q, %k, %k : (tensor<1x4x8x16xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  func.return %o : tensor<1x4x8x8xf32>
}

// -----

func.func @untyped_array(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %c = graph.conv2d %x, %w {strides = array<i32: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  // expected-error @+1 {{Expected attribute i64 but got i32}}
  func.return %c : tensor<1x4x6x6xf32>
}

// -----

func.func @fused_arguments(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{block argument types (tensor<8xf32>) must match the operand types (tensor<4xf32>)}}
  %y = graph.fused %x : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<8xf32>):
    graph.yield %a : tensor<8xf32>
  }
  func.return %y : tensor<4xf32>
}

// -----

func.func @cast_unsigned(%a: tensor<3xui32>) -> tensor<3xf32> {
  // expected-error @+1 {{input must hold signless integers or floats, got ui32}}
  %c = graph.cast %a : (tensor<3xui32>) -> tensor<3xf32>
  func.return %c : tensor<3xf32>
}

// -----

func.func @fused_yield(%x: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{graph.yield must yield one value of the result type tensor<8xf32>, got tensor<4xf32>}}
  %y = graph.fused %x : (tensor<4xf32>) -> tensor<8xf32> {
  ^bb0(%a: tensor<4xf32>):
    graph.yield %a : tensor<4xf32>
  }
  func.return %y : tensor<8xf32>
}

// -----

func.func @fused_content(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{may hold only graph ops other than graph.fused, found 'tensor.empty'}}
  %y = graph.fused %x : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %e = tensor.empty() : tensor<4xf32>
    graph.yield %e : tensor<4xf32>
  }
  func.return %y : tensor<4xf32>
}

// -----

func.func @yield_outside(%x: tensor<4xf32>) {
  // expected-error @+1 {{'graph.yield' expects parent op 'graph.fused'}}
  graph.yield %x : tensor<4xf32>
}

// -----

func.func @layout_block(%x: tensor<1x30x8x8xf32>) -> tensor<1x2x8x8x16xf32> {
  // expected-error @+1 {{dimension 'C' of size 30 is not a multiple of the block 16 of layout 'NCHW16c'}}
  %b = graph.layout %x {from = "NCHW", to = "NCHW16c"} : (tensor<1x30x8x8xf32>) -> tensor<1x2x8x8x16xf32>
  func.return %b : tensor<1x2x8x8x16xf32>
}

// -----

func.func @layout_dims(%x: tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error @+1 {{layouts 'NCHW' and 'NCDW' do not have the same dimensions}}
  %b = graph.layout %x {from = "NCHW", to = "NCDW"} : (tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  func.return %b : tensor<1x32x8x8xf32>
}

// -----

func.func @layout_syntax(%x: tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error @+1 {{layout 'NC16' is malformed at '16' (expected e.g. 'NCHW16c')}}
  %b = graph.layout %x {from = "NCHW", to = "NC16"} : (tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  func.return %b : tensor<1x32x8x8xf32>
}

// -----

func.func @conv_nchwc_channels(%x: tensor<1x2x8x8x16xf32>, %w: tensor<2x2x3x3x8x16xf32>) -> tensor<1x2x6x6x16xf32> {
  // expected-error @+1 {{weight input channels 2x8 differ from the input's 2x16}}
  %y = graph.conv2d_nchwc %x, %w : (tensor<1x2x8x8x16xf32>, tensor<2x2x3x3x8x16xf32>) -> tensor<1x2x6x6x16xf32>
  func.return %y : tensor<1x2x6x6x16xf32>
}

// -----

func.func @cast_changes_shape(%a: tensor<3xi1>) -> tensor<4xf32> {
  // expected-error @+1 {{result type tensor<4xf32> does not match the inferred type tensor<3xf32>}}
  %c = graph.cast %a : (tensor<3xi1>) -> tensor<4xf32>
  func.return %c : tensor<4xf32>
}
