import protobuf from 'protobufjs';

/** Piece types of sentencepiece_model.proto (ModelProto.SentencePiece.Type). */
export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export interface SentencePiece {
  piece: string;
  score: number;
  type: number;
}

/** The fields of a SentencePiece ModelProto that encoding reads. */
export interface SentencePieceModel {
  pieces: SentencePiece[];
  modelType: number;
  treatWhitespaceAsSuffix: boolean;
  byteFallback: boolean;
  normalizer: {
    name: string;
    precompiledCharsmap: Uint8Array;
    addDummyPrefix: boolean;
    removeExtraWhitespaces: boolean;
    escapeWhitespaces: boolean;
  };
}

/**
 * Decodes the serialized ModelProto (the tokenizer op's `model` attribute, `sp.model`) by field
 * number, with the proto2 defaults of sentencepiece_model.proto for absent fields.
 */
export function parseSentencePieceModel(bytes: Uint8Array): SentencePieceModel {
  const model: SentencePieceModel = {
    pieces: [],
    modelType: 1,
    treatWhitespaceAsSuffix: false,
    byteFallback: false,
    normalizer: { name: '', precompiledCharsmap: new Uint8Array(0), addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true },
  };
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) model.pieces.push(parsePiece(r.bytes()));
    else if (field === 2) parseTrainerSpec(r.bytes(), model);
    else if (field === 3) parseNormalizerSpec(r.bytes(), model);
    else r.skipType(tag & 7);
  }
  if (model.modelType !== 1) throw new Error(`sentencepiece: model type ${model.modelType} is not unigram`);
  return model;
}

function parsePiece(bytes: Uint8Array): SentencePiece {
  const p: SentencePiece = { piece: '', score: 0, type: PieceType.NORMAL };
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) p.piece = r.string();
    else if (field === 2) p.score = r.float();
    else if (field === 3) p.type = r.int32();
    else r.skipType(tag & 7);
  }
  return p;
}

function parseTrainerSpec(bytes: Uint8Array, model: SentencePieceModel): void {
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 3) model.modelType = r.int32();
    else if (field === 24) model.treatWhitespaceAsSuffix = r.bool();
    else if (field === 35) model.byteFallback = r.bool();
    else r.skipType(tag & 7);
  }
}

function parseNormalizerSpec(bytes: Uint8Array, model: SentencePieceModel): void {
  const n = model.normalizer;
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    if (field === 1) n.name = r.string();
    else if (field === 2) n.precompiledCharsmap = r.bytes();
    else if (field === 3) n.addDummyPrefix = r.bool();
    else if (field === 4) n.removeExtraWhitespaces = r.bool();
    else if (field === 5) n.escapeWhitespaces = r.bool();
    else r.skipType(tag & 7);
  }
}
