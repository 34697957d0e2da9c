import { readFile, writeFile } from 'node:fs/promises';
import { bucketIndex, type DenseHead, type TextClassifier, type TrainingInfo } from './classifier';
import type { FeatureSpec } from './features';

/** Version tag of the JSON model format. */
export const MODEL_FORMAT = 'complaint-desk/linear-text-classifier@1';
/** The same with a dense head over sentence vectors (`dense`): a reader of @1 alone must not load it. */
export const MODEL_FORMAT_DENSE = 'complaint-desk/linear-text-classifier@2';

/** A dense head on disk: int8 weights with one scale per output column, float biases. */
export interface SerializedDense {
  encoder: string;
  dim: number;
  hidden: number;
  /** dim × hidden, int8, base64 (empty without a hidden layer). */
  w1: string;
  w1Scales: number[];
  b1: number[];
  /** (hidden or dim) × classes, int8, base64. */
  w2: string;
  w2Scales: number[];
  b2: number[];
  blend: { sparse: number; dense: number };
}

/** The JSON shape on disk: arrays are packed (varint deltas, int8/uint8) and base64-encoded. */
export interface SerializedModel {
  format: string;
  name: string;
  labels: string[];
  spec: FeatureSpec;
  training: TrainingInfo;
  features: number;
  /** Sorted kept buckets as LEB128 varint deltas. */
  buckets: string;
  /** IDF quantised to uint8 over [0, idfMax]. */
  idf: string;
  idfMax: number;
  /** Weights quantised to int8, row-major (feature × class), one scale per class. */
  weights: string;
  scales: number[];
  bias: number[];
  dense?: SerializedDense;
}

function encodeVarintDeltas(sorted: Int32Array): string {
  const bytes: number[] = [];
  let prev = 0;
  for (const b of sorted) {
    let d = b - prev;
    prev = b;
    while (d >= 0x80) {
      bytes.push((d & 0x7f) | 0x80);
      d >>>= 7;
    }
    bytes.push(d);
  }
  return Buffer.from(bytes).toString('base64');
}

function decodeVarintDeltas(b64: string, n: number): Int32Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Int32Array(n);
  let pos = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    let shift = 0;
    let d = 0;
    for (;;) {
      const byte = bytes[pos++];
      if (byte === undefined) throw new Error('model file is truncated (bucket list)');
      d |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    prev += d;
    out[i] = prev;
  }
  return out;
}

/**
 * Rounds weights to int8 with one scale per class. Linear text models tolerate this well (we
 * measure the held-out figures on the quantised model), and it makes files 8× smaller than float64.
 */
export function quantizeWeights(w: ArrayLike<number>, classes: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Array<number>(classes).fill(0);
  for (let j = 0; j < w.length; j++) {
    const k = j % classes;
    scales[k] = Math.max(scales[k] as number, Math.abs(w[j] as number));
  }
  for (let k = 0; k < classes; k++) scales[k] = Math.fround((scales[k] as number) / 127 || 1);
  const q = new Int8Array(w.length);
  for (let j = 0; j < w.length; j++) q[j] = Math.round((w[j] as number) / (scales[j % classes] as number));
  return { q, scales: Float32Array.from(scales) };
}

/** Packs a classifier into its JSON form (IDF quantised; weights are int8 already). */
export function serializeModel(m: TextClassifier): SerializedModel {
  const { q, scales } = m;
  let idfMax = 0;
  for (const v of m.idf) idfMax = Math.max(idfMax, v);
  idfMax = Math.fround(idfMax || 1);
  const idfQ = Uint8Array.from(m.idf, (v) => Math.round((v / idfMax) * 255));
  return {
    format: MODEL_FORMAT,
    name: m.name,
    labels: m.labels,
    spec: m.spec,
    training: m.training,
    features: m.buckets.length,
    buckets: encodeVarintDeltas(m.buckets),
    idf: Buffer.from(idfQ).toString('base64'),
    idfMax,
    weights: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64'),
    scales: Array.from(scales),
    bias: Array.from(m.bias),
    ...(m.dense ? { format: MODEL_FORMAT_DENSE, dense: serializeDense(m.dense) } : {}),
  };
}

const int8b64 = (q: Int8Array): string => Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64');
const fromInt8b64 = (b64: string, scales: number[], expected: number, what: string): Float32Array => {
  const b = Buffer.from(b64, 'base64');
  if (b.length !== expected) throw new Error(`model file: ${what} has the wrong size`);
  const q = new Int8Array(b.buffer, b.byteOffset, b.length);
  const cols = scales.length;
  return Float32Array.from(q, (v, j) => v * (scales[j % cols] as number));
};

/** The dense head, quantised like the sparse weights (int8, one scale per output column). */
function serializeDense(d: DenseHead): SerializedDense {
  const { net } = d;
  const w1 = quantizeWeights(net.w1, net.hidden);
  const w2 = quantizeWeights(net.w2, net.classes);
  return {
    encoder: d.encoder,
    dim: net.dim,
    hidden: net.hidden,
    w1: int8b64(w1.q),
    w1Scales: Array.from(w1.scales),
    b1: Array.from(net.b1),
    w2: int8b64(w2.q),
    w2Scales: Array.from(w2.scales),
    b2: Array.from(net.b2),
    blend: d.blend,
  };
}

function deserializeDense(s: SerializedDense, classes: number): DenseHead {
  const inner = s.hidden === 0 ? s.dim : s.hidden;
  return {
    encoder: s.encoder,
    blend: s.blend,
    net: {
      dim: s.dim,
      hidden: s.hidden,
      classes,
      w1: s.hidden === 0 ? new Float32Array(0) : fromInt8b64(s.w1, s.w1Scales, s.dim * s.hidden, 'dense w1'),
      b1: Float32Array.from(s.b1),
      w2: fromInt8b64(s.w2, s.w2Scales, inner * classes, 'dense w2'),
      b2: Float32Array.from(s.b2),
    },
  };
}

/** Unpacks a JSON model; throws a clear error on a foreign or damaged file. */
export function deserializeModel(s: SerializedModel): TextClassifier {
  if (s.format !== MODEL_FORMAT && !(s.format === MODEL_FORMAT_DENSE && s.dense)) throw new Error(`not a ${MODEL_FORMAT} model (format: ${String(s.format)})`);
  const K = s.labels.length;
  const buckets = decodeVarintDeltas(s.buckets, s.features);
  const idfQ = Buffer.from(s.idf, 'base64');
  const idf = Float32Array.from(idfQ, (v) => (v / 255) * s.idfMax);
  const qb = Buffer.from(s.weights, 'base64');
  if (qb.length !== s.features * K) throw new Error(`model ${s.name}: weight block has the wrong size`);
  const q = Int8Array.from(new Int8Array(qb.buffer, qb.byteOffset, qb.length));
  return {
    name: s.name,
    labels: s.labels,
    spec: s.spec,
    buckets,
    idf,
    q,
    scales: Float32Array.from(s.scales),
    bias: Float32Array.from(s.bias),
    training: s.training,
    ...(s.dense ? { dense: deserializeDense(s.dense, K) } : {}),
    index: bucketIndex(buckets, s.spec.hashBits),
  };
}

/** Serialises to a stable JSON string (same model → same bytes). */
export function modelToJson(m: TextClassifier): string {
  return JSON.stringify(serializeModel(m)) + '\n';
}

/** Writes a model file. */
export async function saveModel(m: TextClassifier, path: string): Promise<void> {
  await writeFile(path, modelToJson(m), 'utf8');
}

/** Reads a model file. */
export async function loadModel(path: string): Promise<TextClassifier> {
  const text = await readFile(path, 'utf8');
  return deserializeModel(JSON.parse(text) as SerializedModel);
}
