import { Normalizer } from './normalizer';
import { PieceType, type SentencePieceModel } from './sentencepiece-model';

/** sentencepiece's penalty below the lowest piece score for a character no piece covers. */
const UNK_PENALTY = 10;
/** Marks a string that is no piece but begins one. */
const PREFIX_ONLY = -1;

/**
 * The SentencePiece unigram tokenizer as onnxruntime-extensions' SentencepieceTokenizer op runs it
 * in the Universal Sentence Encoder graph (nbest_size 0, add_bos, add_eos, no reverse): normalise,
 * then the Viterbi best segmentation of unigram_model.cc's EncodeOptimized (sentencepiece 0.1.96),
 * then runs of unknown pieces merged into one as SentencePieceProcessor does.
 *
 * Scores are float32 in the original and ties are broken by the first candidate seen, so the
 * arithmetic follows its float / double mix exactly and candidates are visited in its order.
 */
export class SentencePieceTokenizer {
  private readonly normalizer: Normalizer;
  private readonly vocab = new Map<string, number>();
  private readonly types: Uint8Array;
  private readonly scores: Float32Array;
  private readonly maxPieceChars: number;
  private readonly minScore: number;
  private readonly maxScore: number;
  readonly unkId: number;
  readonly bosId: number;
  readonly eosId: number;

  constructor(model: SentencePieceModel) {
    if (model.byteFallback) throw new Error('sentencepiece: byte fallback models are not supported');
    const n = model.pieces.length;
    this.types = new Uint8Array(n);
    this.scores = new Float32Array(n);
    let minScore = Number.MAX_VALUE;
    // FLT_MIN, the smallest positive float, as in the original (not the lowest float).
    let maxScore = 1.1754943508222875e-38;
    let maxChars = 1;
    let unk = -1;
    const reserved = new Map<string, number>();
    const userDefined: string[] = [];
    model.pieces.forEach((p, id) => {
      this.types[id] = p.type;
      this.scores[id] = p.score;
      const normal = p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED;
      const table = normal ? this.vocab : reserved;
      if (table.has(p.piece)) throw new Error(`sentencepiece: ${p.piece} is already defined.`);
      table.set(p.piece, id);
      if (p.type === PieceType.USER_DEFINED) userDefined.push(p.piece);
      if (p.type === PieceType.UNKNOWN) unk = id;
      if (p.type === PieceType.NORMAL) {
        minScore = Math.min(minScore, p.score);
        maxScore = Math.max(maxScore, p.score);
      }
      if (normal) {
        let chars = 0;
        for (const _ of p.piece) chars++;
        maxChars = Math.max(maxChars, chars);
      }
    });
    if (unk < 0) throw new Error('sentencepiece: unk is not defined.');
    // Every proper prefix of a piece maps to PREFIX_ONLY (unless it is a piece itself), so the
    // search from a position stops as soon as no longer piece can match, as the original's trie
    // traversal does; without it a 2,000-character text costs 16 lookups per character.
    for (const piece of [...this.vocab.keys()]) {
      const chars = [...piece];
      for (let n = chars.length - 1; n >= 1; n--) {
        const prefix = chars.slice(0, n).join('');
        if (this.vocab.has(prefix)) continue;
        this.vocab.set(prefix, PREFIX_ONLY);
      }
    }
    this.unkId = unk;
    this.minScore = Math.fround(minScore);
    this.maxScore = Math.fround(maxScore);
    this.maxPieceChars = maxChars;
    this.bosId = controlId(model, reserved, '<s>');
    this.eosId = controlId(model, reserved, '</s>');
    this.normalizer = new Normalizer(model, userDefined);
  }

  /** The normalised text (spaces shown as U+2581), for tests and debugging. */
  normalize(text: string): string {
    return Buffer.from(this.normalizer.normalize(toBytes(text))).toString('utf8');
  }

  /** Token ids of one text, BOS and EOS included, as the graph's tokenizer op produces them. */
  encode(text: string): number[] {
    const ids = this.encodePieces(this.normalize(text));
    return [this.bosId, ...ids, this.eosId];
  }

  private encodePieces(normalized: string): number[] {
    if (normalized.length === 0) return [];
    // UTF-16 offsets of each code point boundary; the original works on UTF-8 bytes, but pieces are
    // whole characters, so the candidates and their order are the same.
    const bounds: number[] = [0];
    const bytes: number[] = [0];
    for (let i = 0; i < normalized.length; ) {
      const cp = normalized.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      bounds.push(i);
      bytes.push(bytes[bytes.length - 1]! + (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4));
    }
    const size = bounds.length - 1;
    const unkScore = Math.fround(this.minScore - UNK_PENALTY);
    const bestScore = new Float64Array(size + 1);
    const startsAt = new Int32Array(size + 1).fill(-1);
    const bestId = new Int32Array(size + 1).fill(-1);
    for (let start = 0; start < size; start++) {
      const tillHere = bestScore[start]!;
      let hasSingleNode = false;
      const last = Math.min(size, start + this.maxPieceChars);
      for (let end = start + 1; end <= last; end++) {
        const id = this.vocab.get(normalized.slice(bounds[start], bounds[end]));
        if (id === undefined) break;
        if (id === PREFIX_ONLY) continue;
        const type = this.types[id]!;
        if (type === PieceType.UNUSED) continue;
        // A user-defined symbol gets a bonus so it is always chosen. In the original the piece's
        // score is a double (the conditional mixes float and double), so the sum is compared in
        // double precision and only stored as float: ties between equal paths depend on it.
        const score = type === PieceType.USER_DEFINED ? Math.fround((bytes[end]! - bytes[start]!) * this.maxScore) - 0.1 : this.scores[id]!;
        const candidate = score + tillHere;
        if (startsAt[end] === -1 || candidate > bestScore[end]!) {
          bestScore[end] = Math.fround(candidate);
          startsAt[end] = start;
          bestId[end] = id;
        }
        if (end === start + 1) hasSingleNode = true;
      }
      if (!hasSingleNode) {
        const end = start + 1;
        const candidate = Math.fround(unkScore + tillHere);
        if (startsAt[end] === -1 || candidate > bestScore[end]!) {
          bestScore[end] = candidate;
          startsAt[end] = start;
          bestId[end] = this.unkId;
        }
      }
    }
    const reversed: number[] = [];
    for (let end = size; end > 0; end = startsAt[end]!) reversed.push(bestId[end]!);
    const ids: number[] = [];
    for (let i = reversed.length - 1; i >= 0; i--) {
      const id = reversed[i]!;
      // Runs of unknown pieces become one unknown piece.
      if (id === this.unkId && ids.length > 0 && ids[ids.length - 1] === this.unkId) continue;
      ids.push(id);
    }
    return ids;
  }
}

function controlId(model: SentencePieceModel, reserved: Map<string, number>, piece: string): number {
  const id = reserved.get(piece);
  if (id === undefined || model.pieces[id]!.type !== PieceType.CONTROL) throw new Error(`sentencepiece: no control piece ${piece}`);
  return id;
}

/**
 * UTF-8 bytes of the text as the op receives it: the op passes `c_str()` to sentencepiece, so a
 * text stops at its first NUL.
 */
function toBytes(text: string): Uint8Array {
  const nul = text.indexOf('\0');
  return Buffer.from(nul >= 0 ? text.slice(0, nul) : text, 'utf8');
}
