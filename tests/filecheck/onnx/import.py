# RUN: python %s %t.onnx && nn-import %t.onnx | filecheck %s
# RUN: nn-import %t.onnx | nn-opt -p lower-to-affine -t c | %cc -o /dev/null -
"""An ONNX model -> graph IR: initializers become constants, SAME_LOWER padding and
ceil_mode become explicit pads, Softmax-11 normalizes its 2-D coercion, and the
Reshape shape is read at import time."""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

nodes = [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], strides=[2, 2], auto_pad="SAME_LOWER"),
    helper.make_node("BatchNormalization", ["c", "s", "b", "m", "v"], ["n"]),
    helper.make_node("Relu", ["n"], ["r"]),
    helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
    helper.make_node("Reshape", ["p", "shape"], ["f"]),
    helper.make_node("Gemm", ["f", "fc"], ["g"], transB=1, alpha=0.5),
    helper.make_node("Softmax", ["g"], ["y"]),
]
init = {
    "w": np.ones((4, 3, 3, 3), np.float32),
    "b": np.zeros(4, np.float32),
    "s": np.ones(4, np.float32),
    "m": np.zeros(4, np.float32),
    "v": np.ones(4, np.float32),
    "shape": np.array([1, -1], np.int64),
    "fc": np.ones((10, 36), np.float32),
}
graph = helper.make_graph(
    nodes,
    "block",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 9, 9])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
    [numpy_helper.from_array(v, k) for k, v in init.items()],
)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]), sys.argv[1])

# CHECK-LABEL: func.func @block(%x: tensor<1x3x9x9xf32>) -> tensor<1x10xf32>
# CHECK:       %[[W:.*]] = graph.constant dense<1.000000e+00> : tensor<4x3x3x3xf32>
# CHECK-NEXT:  %[[B:.*]] = graph.constant dense<0.000000e+00> : tensor<4xf32>
# CHECK-NEXT:  %[[C:.*]] = graph.conv2d %x, %[[W]], %[[B]] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x5x5xf32>
# CHECK:       %[[N:.*]] = graph.batch_norm %[[C]], %{{.*}}, %[[B]], %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x4x5x5xf32>
# CHECK-NEXT:  %[[R:.*]] = graph.relu %[[N]]
# CHECK-NEXT:  %[[P:.*]] = graph.max_pool %[[R]] {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>) -> tensor<1x4x3x3xf32>
# CHECK-NEXT:  %[[F:.*]] = graph.reshape %[[P]] : (tensor<1x4x3x3xf32>) -> tensor<1x36xf32>
# CHECK-NEXT:  %[[FC:.*]] = graph.constant dense<1.000000e+00> : tensor<10x36xf32>
# CHECK-NEXT:  %[[G:.*]] = graph.gemm %[[F]], %[[FC]] {alpha = 5.000000e-01 : f32, trans_b = true}
# CHECK-NEXT:  %[[Y:.*]] = graph.softmax %[[G]] {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
# CHECK-NEXT:  func.return %[[Y]] : tensor<1x10xf32>
