import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useModelFiles } from '../../../../src/embedded/use-model';
import { venvBin } from '../../../../src/embedded/tools';
import { cosine, loadEmbedder, loadTokenizer, type Embedder, type SentencePieceTokenizer } from '../../../../src/nlp/embedding';

// `npm test`'s pretest (`npm run setup`) installs the model files and the Python reference
// (onnxruntime + onnxruntime-extensions, pinned) into .tools; without them this file says why it skips.
const root = path.resolve(__dirname, '../../../..');
const files = useModelFiles(root);
const python = path.join(venvBin(root), 'python');
const haveModel = existsSync(files.model) && existsSync(files.sentencepiece);
const haveReference =
  haveModel &&
  existsSync(files.original) &&
  existsSync(python) &&
  spawnSync(python, ['-c', 'import onnxruntime, onnxruntime_extensions, onnx'], { stdio: 'ignore' }).status === 0;
if (!haveModel) console.warn('[use-parity] SKIPPED: .tools/use has no model files; run `npm run setup`');
else if (!haveReference) console.warn('[use-parity] reference SKIPPED: .tools/venv lacks onnxruntime / onnxruntime-extensions; run `npm run setup`');

const fixture = JSON.parse(readFileSync(path.join(root, 'test/fixtures/use-parity-texts.json'), 'utf8')) as {
  zh: number;
  en: number;
  mixed: number;
  texts: string[];
};
const BATCH = 32;

/** The original graph (tokenizer op included) in Python onnxruntime with onnxruntime-extensions. */
function reference<T>(mode: 'tokens' | 'vectors', texts: string[]): T {
  const r = spawnSync(python, [path.join(root, 'scripts/use-reference.py'), files.original, '--mode', mode, '--batch', String(BATCH)], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`use-reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

describe.skipIf(!haveModel)('Universal Sentence Encoder in Node', () => {
  let tokenizer: SentencePieceTokenizer;
  let embedder: Embedder;
  beforeAll(async () => {
    tokenizer = await loadTokenizer(files.sentencepiece);
    // No token cap: the parity is the graph's, on whole texts (the fixture reaches 2,500 characters);
    // the cap (DEFAULT_MAX_TOKENS) is a choice about the input, tested in encoder-cap.test.ts.
    embedder = await loadEmbedder(files, { batchSize: BATCH, maxTokens: 0 });
  });
  afterAll(() => embedder?.release());

  it('tokenizes as the graph op does (ids pinned by hand from the op)', () => {
    expect(tokenizer.encode('hello world')).toEqual([1, 6, 27492, 1017, 2]);
    expect(tokenizer.encode('我的快递丢了，客服态度很差')).toEqual([1, 6, 1372, 1098, 23173, 31495, 127, 7, 1495, 1251, 11557, 830, 319, 1431, 2]);
    expect(tokenizer.encode('  Mixed 中英 text  with   spaces ')).toEqual([1, 102098, 7345, 3647, 3728, 62, 28742, 2]);
    expect(tokenizer.encode('')).toEqual([1, 2]);
    expect(tokenizer.normalize('ｆｕｌｌｗｉｄｔｈ ＡＢＣ①②')).toBe('▁fullwidth▁ABC12');
  });

  it('puts a Chinese complaint nearer its English translation than an unrelated text', async () => {
    const [zh, en, other] = await embedder.embed(['我的行李在机场丢了，到现在还没找到', 'My luggage was lost at the airport and still has not been found', '请问你们周末营业吗']);
    expect(cosine(zh!, en!)).toBeGreaterThan(0.5);
    expect(cosine(zh!, en!)).toBeGreaterThan(cosine(zh!, other!) + 0.2);
  });

  describe.skipIf(!haveReference)('parity with the original graph in Python onnxruntime + onnxruntime-extensions', () => {
    it(`fixture has ≥ 1,000 zh, en and mixed texts`, () => {
      expect(fixture.zh).toBeGreaterThanOrEqual(300);
      expect(fixture.en).toBeGreaterThanOrEqual(300);
      expect(fixture.mixed).toBeGreaterThanOrEqual(200);
      expect(fixture.texts.length).toBeGreaterThanOrEqual(1000);
    });

    it('token ids equal the graph tokenizer op on every text', () => {
      const { ids } = reference<{ ids: number[][] }>('tokens', fixture.texts);
      const mismatches = fixture.texts
        .map((text, i) => ({ text, expected: ids[i], actual: tokenizer.encode(text) }))
        .filter((m) => JSON.stringify(m.expected) !== JSON.stringify(m.actual));
      expect(mismatches.slice(0, 3)).toEqual([]);
      expect(ids.length).toBe(fixture.texts.length);
    }, 120_000);

    it('vectors are at cosine ≥ 0.999 to the full graph on every text', async () => {
      const { vectors } = reference<{ vectors: number[][] }>('vectors', fixture.texts);
      const ours = await embedder.embed(fixture.texts);
      const cosines = ours.map((v, i) => cosine(v, vectors[i]!));
      const worst = Math.min(...cosines);
      expect(worst).toBeGreaterThanOrEqual(0.999);
      expect(cosines.length).toBe(fixture.texts.length);
    }, 300_000);
  });
});
