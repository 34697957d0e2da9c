"""Reference for the TypeScript port: the ORIGINAL Universal Sentence Encoder graph in Python
onnxruntime with onnxruntime-extensions (its own SentencePiece tokenizer op).

Reads a JSON array of strings on stdin; writes one JSON object:
  {"ids": [[...], ...]}                         with --mode tokens (the tokenizer node alone)
  {"vectors": [[...512 floats], ...]}           with --mode vectors (the full graph)
  {"ms": [...], "textsPerSecond": ..., ...}     with --mode bench (timings, one thread)

usage: python use-reference.py ORIGINAL.onnx --mode tokens|vectors|bench [--batch N]
"""
import argparse
import json
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper
from onnxruntime_extensions import get_library_path


def session(model_bytes: bytes) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.register_custom_ops_library(get_library_path())
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def tokenizer_only(model: onnx.ModelProto) -> bytes:
    """The graph's tokenizer node with its constant inputs, and nothing else."""
    g = model.graph
    tok = next(n for n in g.node if n.domain == "ai.onnx.contrib")
    inits = [i for i in g.initializer if i.name in tok.input]
    graph = helper.make_graph(
        [tok], "tokenizer", [g.input[0]],
        [helper.make_tensor_value_info(tok.output[0], onnx.TensorProto.INT32, ["n"]),
         helper.make_tensor_value_info(tok.output[1], onnx.TensorProto.INT64, ["b"])],
        inits)
    m = helper.make_model(graph, opset_imports=list(model.opset_import))
    m.ir_version = model.ir_version
    return m.SerializeToString()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--mode", choices=["tokens", "vectors", "bench"], required=True)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    texts = json.load(sys.stdin)
    model = onnx.load(args.model)
    if args.mode == "tokens":
        s = session(tokenizer_only(model))
        out = []
        for t in texts:
            ids, splits = s.run(None, {model.graph.input[0].name: np.array([t], dtype=object)})
            out.append(ids[splits[0]:splits[1]].tolist())
        json.dump({"ids": out}, sys.stdout)
        return
    s = session(model.SerializeToString())
    name = model.graph.input[0].name
    if args.mode == "vectors":
        vecs = []
        for i in range(0, len(texts), args.batch):
            vecs.extend(s.run(None, {name: np.array(texts[i:i + args.batch], dtype=object)})[0].tolist())
        json.dump({"vectors": vecs}, sys.stdout)
        return
    # bench: each text alone (latency), after a warm-up over the first 20.
    for t in texts[:20]:
        s.run(None, {name: np.array([t], dtype=object)})
    ms = []
    for t in texts:
        t0 = time.perf_counter()
        s.run(None, {name: np.array([t], dtype=object)})
        ms.append((time.perf_counter() - t0) * 1000)
    json.dump({"ms": ms, "textsPerSecond": len(texts) / (sum(ms) / 1000)}, sys.stdout)


if __name__ == "__main__":
    main()
