import * as ort from 'onnxruntime-node';
import type { SentencePieceTokenizer } from './tokenizer';

/** Turns texts into sentence vectors; one instance per process (it holds an ONNX session). */
export interface Embedder {
  /** Vector length (512 for the Universal Sentence Encoder). */
  readonly dimension: number;
  /** One vector per text, in order. Texts are run in batches of at most `batchSize`. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Frees the session. */
  release(): Promise<void>;
}

export interface EncoderOptions {
  /** Threads inside one operator; 1 by default, so a worker's activities do not fight over cores. */
  intraOpThreads?: number;
  /** Texts per graph run; bounds memory on long texts. */
  batchSize?: number;
  /**
   * Most tokens fed to the graph per text, BOS and EOS included (the first ones are kept, then EOS);
   * 0 for no cap. The graph's time grows with the tokens, so this bounds a long complaint's latency.
   * Default {@link DEFAULT_MAX_TOKENS}.
   */
  maxTokens?: number;
}

/**
 * Tokens fed to the graph per text by default (BOS and EOS included). The graph's time is linear in
 * tokens; a 2,000-character Chinese complaint has up to ~1,700. Chosen on validation rows carved from
 * training data (docs/nlp.md, "Token cap"): few-shot accuracy on CFPB narratives and the longest
 * Chinese reviews was level with no cap at 512, 384 and 256.
 */
export const DEFAULT_MAX_TOKENS = 512;

/**
 * The Universal Sentence Encoder's stripped graph in onnxruntime-node, fed by the TypeScript
 * tokenizer: all texts' ids concatenated (BOS and EOS included) and int64 row splits, exactly as the
 * removed tokenizer op handed them on.
 */
export async function createEncoder(model: Uint8Array | string, tokenizer: SentencePieceTokenizer, options: EncoderOptions = {}): Promise<Embedder> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // The arena keeps the largest activations ever seen (a 2,000-character text's) for good:
    // without it RSS grew 75 MB instead of 98 MB over 300 texts, at the same speed within noise.
    enableCpuMemArena: false,
    executionProviders: ['cpu'],
  };
  // From a path onnxruntime reads the file itself; from bytes a 69 MB copy stays in the JS heap
  // until a full collection (RSS +60 MB at load, measured).
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
  const output = session.outputNames[0]!;
  const batchSize = options.batchSize ?? 32;
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const dimension = 512;

  async function run(texts: string[]): Promise<Float32Array[]> {
    const ids: number[] = [];
    const splits = new BigInt64Array(texts.length + 1);
    texts.forEach((text, i) => {
      const encoded = tokenizer.encode(text);
      if (maxTokens > 0 && encoded.length > maxTokens) {
        for (let j = 0; j < maxTokens - 1; j++) ids.push(encoded[j]!);
        ids.push(encoded[encoded.length - 1]!);
      } else for (const id of encoded) ids.push(id);
      splits[i + 1] = BigInt(ids.length);
    });
    const feeds = {
      token_ids: new ort.Tensor('int32', Int32Array.from(ids), [ids.length]),
      row_splits: new ort.Tensor('int64', splits, [splits.length]),
    };
    const result = await session.run(feeds);
    const data = result[output]!.data as Float32Array;
    for (const t of Object.values(result)) t.dispose();
    return texts.map((_, i) => data.slice(i * dimension, (i + 1) * dimension));
  }

  return {
    dimension,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await run(texts.slice(i, i + batchSize))));
      return out;
    },
    release: () => session.release(),
  };
}
