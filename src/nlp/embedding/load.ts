import { readFile } from 'node:fs/promises';
import { createEncoder, type Embedder, type EncoderOptions } from './encoder';
import { parseSentencePieceModel } from './sentencepiece-model';
import { SentencePieceTokenizer } from './tokenizer';

export interface EmbeddingModelFiles {
  /** The stripped graph (setup writes `.tools/use/model.onnx`). */
  model: string;
  /** The SentencePiece model (`.tools/use/sp.model`). */
  sentencepiece: string;
}

/** Reads the SentencePiece model file into a tokenizer. */
export async function loadTokenizer(file: string): Promise<SentencePieceTokenizer> {
  return new SentencePieceTokenizer(parseSentencePieceModel(await readFile(file)));
}

/** The one reader of the encoder's files: tokenizer and ONNX session. */
export async function loadEmbedder(files: EmbeddingModelFiles, options: EncoderOptions = {}): Promise<Embedder> {
  return createEncoder(files.model, await loadTokenizer(files.sentencepiece), options);
}
