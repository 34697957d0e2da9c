/**
 * Triage including the sentence embedding (issue #19): latency of a 2,000-character complaint,
 * throughput of short complaints one at a time on one core (onnxruntime intraOp 1), RSS growth,
 * and beside them Python onnxruntime + onnxruntime-extensions running the ORIGINAL graph on the
 * same texts in the same run. Texts come from the committed parity fixture (real zh / en customer
 * texts), so no shared data is needed.
 *
 *   npm run bench:embedding -- [--rounds 3] [--short 400] [--long 60]
 *
 * Timed path, Node: triageText (the shipped models) + a few-shot taxonomy classifier's predict for
 * one complaint, which tokenizes in TypeScript and runs the stripped graph on at most
 * DEFAULT_MAX_TOKENS tokens (the service's setting); the 2,000-character texts are also embedded
 * without the cap, as Python runs them (nodeEmbedLongUncappedP99Ms). Python: one
 * InferenceSession.run of the original graph per text (embedding only, tokenizer op included).
 * Writes bench/results/<time>-embedding.json (commit, machine, settings, every round).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { useModelFiles } from '../src/embedded/use-model';
import { venvBin } from '../src/embedded/tools';
import { DEFAULT_MAX_TOKENS, loadEmbedder } from '../src/nlp/embedding';
import { trainFewShot } from '../src/nlp/fewshot';
import { loadModels, triageText } from '../src/nlp/triage';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, short: { type: 'string', default: '400' }, long: { type: 'string', default: '60' } } });
const rounds = Number(values.rounds);
const log = (line: string) => process.stderr.write(`[bench:embedding] ${line}\n`);
const round = (x: number, p = 2) => Math.round(x * 10 ** p) / 10 ** p;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

const fixture = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/use-parity-texts.json'), 'utf8')) as { texts: string[] };
const shortTexts = fixture.texts.filter((t) => t.trim().length >= 20 && t.length <= 200).slice(0, Number(values.short));
// 2,000-character complaints: consecutive fixture texts joined until long enough, zh and en alike.
const longTexts: string[] = [];
for (let i = 0, acc = ''; i < fixture.texts.length * 4 && longTexts.length < Number(values.long); i++) {
  acc += `${fixture.texts[(i * 7) % fixture.texts.length]} `;
  if (acc.length >= 2000) {
    longTexts.push(acc.slice(0, 2000));
    acc = '';
  }
}

const TAXONOMY = [
  ['delivery', 'The parcel never arrived and tracking has not moved for a week.'],
  ['delivery', '快递一周都没到，物流信息一直没有更新。'],
  ['billing', 'I was charged twice for my order, please refund the duplicate payment.'],
  ['billing', '我的订单重复扣款了两次，请尽快处理。'],
  ['product_quality', 'The blender stopped working after two days.'],
  ['product_quality', '收到的手机屏幕有裂痕，质量太差了。'],
  ['service_attitude', 'Your support agent hung up on me twice.'],
  ['service_attitude', '客服态度很差，电话打了三次都没人处理。'],
].map(([label, text]) => ({ label: label!, text: text! }));

function python(mode: 'bench', texts: string[]): { ms: number[]; textsPerSecond: number } {
  const r = spawnSync(path.join(venvBin(ROOT), 'python'), [path.join(ROOT, 'scripts/use-reference.py'), useModelFiles(ROOT).original, '--mode', mode], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`use-reference.py: ${r.stderr}`);
  return JSON.parse(r.stdout) as { ms: number[]; textsPerSecond: number };
}

async function main(): Promise<void> {
  const models = await loadModels();
  const rssBefore = rssMb();
  const embedder = await loadEmbedder(useModelFiles(ROOT));
  const classifier = await trainFewShot(TAXONOMY, embedder);
  const triage = async (text: string) => {
    triageText(models, { body: text });
    await classifier.predict([text]);
  };
  for (const t of [...shortTexts.slice(0, 30), ...longTexts.slice(0, 5)]) await triage(t);
  const rssLoaded = rssMb();
  const perRound: Record<string, number>[] = [];
  for (let r = 1; r <= rounds; r++) {
    const longMs: number[] = [];
    for (const t of longTexts) {
      const t0 = performance.now();
      await triage(t);
      longMs.push(performance.now() - t0);
    }
    let t0 = performance.now();
    for (const t of shortTexts) await triage(t);
    const shortPerSecond = shortTexts.length / ((performance.now() - t0) / 1000);
    // The embedding alone, on the same texts, to set beside Python's.
    t0 = performance.now();
    for (const t of shortTexts) await embedder.embed([t]);
    const embedShortPerSecond = shortTexts.length / ((performance.now() - t0) / 1000);
    const embedLongMs: number[] = [];
    for (const t of longTexts) {
      const s = performance.now();
      await embedder.embed([t]);
      embedLongMs.push(performance.now() - s);
    }
    const py = python('bench', shortTexts);
    const pyLong = python('bench', longTexts);
    const row = {
      round: r,
      triageLongP50Ms: round(median(longMs)),
      triageLongP99Ms: round(quantile(longMs, 0.99)),
      triageShortPerSecond: round(shortPerSecond, 1),
      nodeEmbedShortPerSecond: round(embedShortPerSecond, 1),
      nodeEmbedLongP99Ms: round(quantile(embedLongMs, 0.99)),
      pythonEmbedShortPerSecond: round(py.textsPerSecond, 1),
      pythonEmbedLongP99Ms: round(quantile(pyLong.ms, 0.99)),
      rssMb: round(rssMb(), 0),
    };
    perRound.push(row);
    log(JSON.stringify(row));
  }
  const rssAfter = rssMb();
  await embedder.release();
  // The same graph without the token cap, as Python runs it (after the RSS figures: a second session).
  const whole = await loadEmbedder(useModelFiles(ROOT), { maxTokens: 0 });
  for (let r = 1; r <= rounds; r++) {
    const ms: number[] = [];
    for (const t of longTexts) {
      const s = performance.now();
      await whole.embed([t]);
      ms.push(performance.now() - s);
    }
    perRound[r - 1]!.nodeEmbedLongUncappedP99Ms = round(quantile(ms, 0.99));
  }
  await whole.release();
  const figure = (key: string) => {
    const xs = perRound.map((r) => r[key]!);
    return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
  };
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const cpus = os.cpus();
  const report = {
    bench: 'embedding',
    startedAt: new Date().toISOString(),
    commit,
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', memoryGb: round(os.totalmem() / 2 ** 30, 0), loadAverage: os.loadavg().map((x) => round(x)), node: process.version },
    settings: { rounds, shortTexts: shortTexts.length, longTexts: longTexts.length, longChars: 2000, intraOpThreads: 1, maxTokens: DEFAULT_MAX_TOKENS, classifierLabels: classifier.labels.length },
    figures: {
      triageLongP99Ms: figure('triageLongP99Ms'),
      triageLongP50Ms: figure('triageLongP50Ms'),
      triageShortPerSecond: figure('triageShortPerSecond'),
      nodeEmbedShortPerSecond: figure('nodeEmbedShortPerSecond'),
      nodeEmbedLongP99Ms: figure('nodeEmbedLongP99Ms'),
      nodeEmbedLongUncappedP99Ms: figure('nodeEmbedLongUncappedP99Ms'),
      pythonEmbedShortPerSecond: figure('pythonEmbedShortPerSecond'),
      pythonEmbedLongP99Ms: figure('pythonEmbedLongP99Ms'),
      rssGrowthLoadMb: round(rssLoaded - rssBefore, 0),
      rssGrowthTotalMb: round(rssAfter - rssBefore, 0),
    },
    rounds: perRound,
  };
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${report.startedAt.replace(/[:.]/g, '-').slice(0, 19)}Z-embedding.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`report: ${path.relative(ROOT, file)}`);
  process.stdout.write(`${JSON.stringify(report.figures)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
