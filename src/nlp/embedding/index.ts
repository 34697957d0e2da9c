/** Multilingual sentence embeddings: the Universal Sentence Encoder's graph fed by a TypeScript SentencePiece tokenizer. */
export { cachingEmbedder } from './cache';
export { createEncoder, DEFAULT_MAX_TOKENS, type Embedder, type EncoderOptions } from './encoder';
export { loadEmbedder, loadTokenizer, type EmbeddingModelFiles } from './load';
export { SentencePieceTokenizer } from './tokenizer';
export { parseSentencePieceModel, type SentencePieceModel } from './sentencepiece-model';
export { cosine, l2normalize } from './vector';
