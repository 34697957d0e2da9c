import type { SentencePieceModel } from './sentencepiece-model';

/**
 * SentencePiece's normaliser (normalizer.cc of sentencepiece 0.1.96, the version that
 * onnxruntime-extensions builds), over UTF-8 bytes as the original works:
 * user-defined symbols pass unchanged; otherwise the longest rule of the precompiled charsmap
 * (a darts-clone double-array trie, here nmt_nfkc) replaces a prefix; otherwise one character is
 * copied. Then heading, trailing and repeated spaces go, a dummy prefix is added and spaces become
 * U+2581.
 *
 * Input is always well-formed UTF-8 here (it comes from a JavaScript string through
 * `Buffer.from`, which already replaces lone surrogates by U+FFFD), so the original's branch for
 * malformed bytes is not needed.
 */
export class Normalizer {
  private readonly trie: Uint32Array | undefined;
  private readonly normalized: Uint8Array | undefined;
  private readonly userDefined: Uint8Array[];

  constructor(private readonly model: SentencePieceModel, userDefinedSymbols: string[]) {
    const blob = model.normalizer.precompiledCharsmap;
    if (blob.length > 0) {
      if (blob.length <= 4) throw new Error('sentencepiece: Blob for normalization rule is broken.');
      const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
      const trieSize = view.getUint32(0, true);
      if (trieSize >= blob.length) throw new Error('sentencepiece: Trie data size exceeds the input blob size.');
      // Copied so that the Uint32Array is aligned and little-endian on every host.
      const units = new Uint32Array(trieSize >>> 2);
      for (let i = 0; i < units.length; i++) units[i] = view.getUint32(4 + i * 4, true);
      this.trie = units;
      this.normalized = blob.subarray(4 + trieSize);
    }
    this.userDefined = userDefinedSymbols.map((s) => Buffer.from(s, 'utf8'));
  }

  /** Normalises `input` (UTF-8 bytes) into UTF-8 bytes. */
  normalize(input: Uint8Array): Uint8Array {
    const spec = this.model.normalizer;
    const suffix = this.model.treatWhitespaceAsSuffix;
    const out: number[] = [];
    let pos = 0;
    if (input.length === 0) return new Uint8Array(0);
    if (spec.removeExtraWhitespaces) {
      while (pos < input.length) {
        const [piece, consumed] = this.normalizePrefix(input, pos);
        if (!(piece.length === 1 && piece[0] === SPACE)) break;
        pos += consumed;
      }
    }
    if (pos >= input.length) return new Uint8Array(0);
    const addWs = (): void => {
      if (spec.escapeWhitespaces) out.push(...SPACE_SYMBOL);
      else out.push(SPACE);
    };
    if (!suffix && spec.addDummyPrefix) addWs();
    let isPrevSpace = spec.removeExtraWhitespaces;
    while (pos < input.length) {
      const [piece, consumed] = this.normalizePrefix(input, pos);
      let start = 0;
      while (isPrevSpace && start < piece.length && piece[start] === SPACE) start++;
      if (start < piece.length) {
        for (let n = start; n < piece.length; n++) {
          const b = piece[n]!;
          if (spec.escapeWhitespaces && b === SPACE) out.push(...SPACE_SYMBOL);
          else out.push(b);
        }
        isPrevSpace = piece[piece.length - 1] === SPACE;
      }
      pos += consumed;
      if (!spec.removeExtraWhitespaces) isPrevSpace = false;
    }
    if (spec.removeExtraWhitespaces) {
      const space = spec.escapeWhitespaces ? SPACE_SYMBOL : [SPACE];
      while (out.length >= space.length && space.every((b, i) => out[out.length - space.length + i] === b)) out.length -= space.length;
    }
    if (suffix && spec.addDummyPrefix) addWs();
    return Uint8Array.from(out);
  }

  /** The normalised form of the prefix of `input` at `pos`, and how many input bytes it consumes. */
  private normalizePrefix(input: Uint8Array, pos: number): [Uint8Array, number] {
    let userLength = 0;
    for (const symbol of this.userDefined) {
      if (symbol.length > userLength && startsWith(input, pos, symbol)) userLength = symbol.length;
    }
    if (userLength > 0) return [input.subarray(pos, pos + userLength), userLength];
    if (this.trie && this.normalized) {
      const [length, value] = longestPrefix(this.trie, input, pos);
      if (length > 0) {
        let end = value;
        while (this.normalized[end] !== 0) end++;
        return [this.normalized.subarray(value, end), length];
      }
    }
    const n = Math.min(utf8Length(input[pos]!), input.length - pos);
    return [input.subarray(pos, pos + n), n];
  }
}

const SPACE = 0x20;
/** U+2581 LOWER ONE EIGHTH BLOCK in UTF-8. */
const SPACE_SYMBOL = [0xe2, 0x96, 0x81];

function startsWith(input: Uint8Array, pos: number, symbol: Uint8Array): boolean {
  if (pos + symbol.length > input.length) return false;
  for (let i = 0; i < symbol.length; i++) if (input[pos + i] !== symbol[i]) return false;
  return true;
}

/** Length in bytes of the UTF-8 sequence a lead byte starts (sentencepiece's OneCharLen). */
export function utf8Length(lead: number): number {
  return [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4][lead >> 4]!;
}

/**
 * darts-clone's commonPrefixSearch over `key[pos..]`, keeping the longest match as sentencepiece
 * does: returns [length in bytes, value] or [0, 0].
 */
function longestPrefix(units: Uint32Array, key: Uint8Array, pos: number): [number, number] {
  let longest = 0;
  let value = 0;
  let nodePos = offset(units[0]!);
  for (let i = pos; i < key.length; i++) {
    const label = key[i]!;
    nodePos ^= label;
    const unit = units[nodePos];
    if (unit === undefined || (unit & 0x800000ff) >>> 0 !== label) break;
    nodePos ^= offset(unit);
    if ((unit >>> 8) & 1) {
      const length = i - pos + 1;
      if (length > longest) {
        longest = length;
        value = units[nodePos]! & 0x7fffffff;
      }
    }
  }
  return [longest, value];
}

function offset(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}
