import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useModelFiles } from '../../../../src/embedded/use-model';

const root = path.resolve(__dirname, '../../../..');
const files = useModelFiles(root);
const haveModel = existsSync(files.model) && existsSync(files.sentencepiece);
if (!haveModel) console.warn('[eval:fewshot] SKIPPED: .tools/use has no model files; run `npm run setup`');

const dir = mkdtempSync(path.join(os.tmpdir(), 'eval-fewshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveModel)('npm run eval:fewshot', () => {
  it('reads any two CSVs, skips rows without text or label, prints one JSON object last', () => {
    // Column names of our own choosing, a quoted comma, Chinese train rows and English test rows.
    writeFileSync(
      path.join(dir, 'train.csv'),
      [
        'body,topic,extra',
        '快递两个星期了还没到,物流,x',
        '包裹丢了，快递员不承认,物流,x',
        '退货后一直没有退款,退款,x',
        '"订单取消了，请把钱退给我",退款,x',
        ',物流,empty text',
        '这一行没有标签,,empty label',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'test.csv'),
      ['body,topic', 'My parcel has not arrived after two weeks,物流', 'I returned the item and still have no refund,退款', 'no label here,', ',退款'].join('\n'),
    );
    const r = spawnSync(
      'npx',
      ['tsx', 'src/cli/eval-fewshot.ts', '--train', path.join(dir, 'train.csv'), '--test', path.join(dir, 'test.csv'), '--text', 'body', '--label', 'topic', '--shots', '2', '--seeds', '2'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const last = r.stdout.trim().split('\n').at(-1)!;
    const result = JSON.parse(last) as Record<string, number>;
    expect(Object.keys(result).sort()).toEqual(['accuracy', 'macroF1', 'n', 'seeds', 'shots', 'textsPerSecond']);
    expect(result.n).toBe(2);
    expect(result.shots).toBe(2);
    expect(result.seeds).toBe(2);
    expect(result.accuracy).toBe(1);
    expect(result.textsPerSecond).toBeGreaterThan(0);
  }, 120_000);

  it('fails with a usage message when a column is missing', () => {
    writeFileSync(path.join(dir, 'bad.csv'), 'a,b\n1,2\n');
    const r = spawnSync('npx', ['tsx', 'src/cli/eval-fewshot.ts', '--train', path.join(dir, 'bad.csv'), '--test', path.join(dir, 'bad.csv'), '--text', 'body', '--label', 'topic', '--shots', '2'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/column "body" not found/);
  }, 60_000);
});

describe.skipIf(!haveModel)('npm run train -- --fewshot, then npm run classify', () => {
  it('trains the few-shot kind of model from a CSV and classifies JSON lines with it, each with its top-1 label', () => {
    const rows = [
      ['text', 'label'],
      ['My parcel has not arrived after two weeks', 'delivery'],
      ['The courier lost my package', 'delivery'],
      ['快递一直没有送到', 'delivery'],
      ['I was charged twice for one order', 'billing'],
      ['My bill shows a fee I never agreed to', 'billing'],
      ['这个月账单重复扣费', 'billing'],
    ];
    writeFileSync(path.join(dir, 'small.csv'), rows.map((r) => r.join(',')).join('\n'));
    const out = path.join(dir, 'fewshot.json');
    const train = spawnSync('npx', ['tsx', 'src/cli/train.ts', '--input', path.join(dir, 'small.csv'), '--text', 'text', '--label', 'label', '--out', out, '--fewshot', '--holdout', '0'], { cwd: root, encoding: 'utf8' });
    expect(train.status, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/few-shot fewshot-[0-9a-f]+, 6 rows, 2 labels/);
    const input = ['{"id":"a","text":"包裹丢了，快递员不理我"}', 'not json', '{"id":"b","text":"I see a double charge on my statement"}'].join('\n');
    const classify = spawnSync('npx', ['tsx', 'src/cli/classify.ts', '--model', out], { cwd: root, encoding: 'utf8', input });
    expect(classify.status).toBe(1); // one bad line
    expect(classify.stderr).toMatch(/line 2: not valid JSON/);
    const lines = classify.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; label: string; confidence: number });
    expect(lines.map((l) => [l.id, l.label])).toEqual([
      ['a', 'delivery'],
      ['b', 'billing'],
    ]);
    for (const l of lines) expect(l.confidence).toBeGreaterThan(0.5);
  }, 120_000);
});
