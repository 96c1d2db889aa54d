# RUN: python %s %t.onnx && not nn-import %t.onnx 2>&1 | filecheck %s -DFILE=%t.onnx
"""An unsupported attribute value is a diagnostic naming the node, with exit status 1."""

import sys

import onnx
from onnx import TensorProto, helper

node = helper.make_node("AveragePool", ["x"], ["y"], name="pool1", kernel_shape=[2, 2], auto_pad="SAME")
graph = helper.make_graph(
    [node],
    "bad",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)]), sys.argv[1])

# CHECK: [[FILE]]: error: node 'pool1' (AveragePool): auto_pad 'SAME' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID
# CHECK-NOT: Traceback
