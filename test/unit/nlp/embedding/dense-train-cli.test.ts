import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useModelFiles } from '../../../../src/embedded/use-model';

const root = path.resolve(__dirname, '../../../..');
const files = useModelFiles(root);
const haveModel = existsSync(files.model) && existsSync(files.sentencepiece);
if (!haveModel) console.warn('[train --dense] SKIPPED: .tools/use has no model files; run `npm run setup`');

const dir = mkdtempSync(path.join(os.tmpdir(), 'train-dense-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOPICS: Record<string, string[]> = {
  delivery: ['my parcel never arrived', 'the courier lost the package', 'delivery is two weeks late', '快递一直没到', '包裹丢了', '物流太慢了'],
  refund: ['I want my money back', 'the refund has not come', 'return the payment to my card', '我要退款', '退货后没有退钱', '请把钱退给我'],
  quality: ['the screen cracked after a day', 'the product broke at once', 'poor build, it stopped working', '质量太差了', '用了一天就坏了', '屏幕裂了'],
};

describe.skipIf(!haveModel)('npm run train -- --dense, then classify and eval', () => {
  it('trains a blended model from a CSV alone, and classify and eval read each text through the encoder', () => {
    const lines = ['text,label'];
    for (const [label, texts] of Object.entries(TOPICS)) for (let r = 0; r < 4; r++) for (const t of texts) lines.push(`"${t} (${r})",${label}`);
    const csv = path.join(dir, 'topics.csv');
    writeFileSync(csv, lines.join('\n'));
    const out = path.join(dir, 'topics.json');
    const train = spawnSync('npx', ['tsx', 'src/cli/train.ts', '--input', csv, '--text', 'text', '--label', 'label', '--out', out, '--dense', '--min-df', '1', '--epochs', '5'], { cwd: root, encoding: 'utf8' });
    expect(train.status, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/held-out 20% split: accuracy=/);
    // Every dense setting and blend share tried is reported on validation.
    expect(train.stderr).toMatch(/validation adagrad h0 lr=0.1 .*blend 0.5: accuracy=/);
    const model = JSON.parse(readFileSync(out, 'utf8')) as { training: { hyper: Record<string, unknown> } };
    expect(model.training.hyper.dense).toBeDefined();

    const input = ['{"id":1,"text":"the courier never brought my parcel"}', '{"id":2,"text":"退款还没有到账"}', '{"id":3,"text":"it broke after one day"}'].join('\n');
    const classify = spawnSync('npx', ['tsx', 'src/cli/classify.ts', '--model', out], { cwd: root, encoding: 'utf8', input });
    expect(classify.status, classify.stderr).toBe(0);
    const results = classify.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; label: string; confidence: number });
    expect(results.map((r) => r.id)).toEqual([1, 2, 3]);
    for (const r of results) {
      expect(Object.keys(TOPICS)).toContain(r.label);
      expect(r.confidence).toBeGreaterThan(0);
    }

    const evaluate = spawnSync('npx', ['tsx', 'src/cli/eval.ts', '--model', out, '--input', csv, '--holdout-only', '--json'], { cwd: root, encoding: 'utf8' });
    expect(evaluate.status, evaluate.stderr).toBe(0);
    const e = JSON.parse(evaluate.stdout.trim().split('\n').at(-1)!) as { n: number; accuracy: number };
    expect(e.n).toBe(15);
  }, 180_000);
});
