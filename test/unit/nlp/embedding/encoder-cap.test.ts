import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useModelFiles } from '../../../../src/embedded/use-model';
import { cosine, DEFAULT_MAX_TOKENS, loadEmbedder, loadTokenizer, type Embedder, type SentencePieceTokenizer } from '../../../../src/nlp/embedding';

const root = path.resolve(__dirname, '../../../..');
const files = useModelFiles(root);
const haveModel = existsSync(files.model) && existsSync(files.sentencepiece);
if (!haveModel) console.warn('[encoder-cap] SKIPPED: .tools/use has no model files; run `npm run setup`');

describe.skipIf(!haveModel)('token cap of the sentence encoder', () => {
  let tokenizer: SentencePieceTokenizer;
  let capped: Embedder;
  let whole: Embedder;
  beforeAll(async () => {
    tokenizer = await loadTokenizer(files.sentencepiece);
    capped = await loadEmbedder(files, { maxTokens: 8 });
    whole = await loadEmbedder(files, { maxTokens: 0 });
  });
  afterAll(async () => {
    await capped?.release();
    await whole?.release();
  });

  it('feeds the graph the first tokens and EOS, nothing after', async () => {
    const long = 'one two three four five six seven eight nine ten eleven twelve';
    const prefix = 'one two three four five six';
    const ids = tokenizer.encode(long);
    const prefixIds = tokenizer.encode(prefix);
    // The premise: the prefix's 8 tokens (BOS, 6 pieces, EOS) are the long text's first 7 and its EOS.
    expect(prefixIds).toHaveLength(8);
    expect([...ids.slice(0, 7), ids.at(-1)]).toEqual(prefixIds);
    const [a] = await capped.embed([long]);
    const [b] = await whole.embed([prefix]);
    const [c] = await whole.embed([long]);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(cosine(a!, c!)).toBeLessThan(0.999);
  });

  it('leaves texts within the cap alone', async () => {
    const short = 'My parcel has not arrived';
    expect(tokenizer.encode(short).length).toBeLessThanOrEqual(8);
    expect(Array.from((await capped.embed([short]))[0]!)).toEqual(Array.from((await whole.embed([short]))[0]!));
  });

  it('caps by default at DEFAULT_MAX_TOKENS', async () => {
    const byDefault = await loadEmbedder(files);
    try {
      const text = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
      expect(tokenizer.encode(text).length).toBeGreaterThan(DEFAULT_MAX_TOKENS);
      const explicit = await loadEmbedder(files, { maxTokens: DEFAULT_MAX_TOKENS });
      const [a] = await byDefault.embed([text]);
      const [b] = await explicit.embed([text]);
      const [c] = await whole.embed([text]);
      await explicit.release();
      expect(Array.from(a!)).toEqual(Array.from(b!));
      expect(Array.from(a!)).not.toEqual(Array.from(c!));
    } finally {
      await byDefault.release();
    }
  });
});
