/**
 * Rebuilds the six shipped models from the shared data, prints their held-out figures, then
 * measures triage speed, model load time and memory. Deterministic: same data → same bytes.
 *
 *   npm run train:all -- [--data ../shared/data] [--out src/nlp/models] [--only name,name] [--bench-only]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { useModelFiles } from '../embedded/use-model';
import { MODEL_RECIPES, SHIPPED_HOLDOUT, SHIPPED_SEED } from '../nlp/catalog';
import { SENTENCE_ENCODER } from '../nlp/classifier';
import { labelledRowsFromCsv, type LabelledText } from '../nlp/csv';
import type { Embedder } from '../nlp/embedding';
import { modelToJson } from '../nlp/model-io';
import { columnSentenceVectors } from '../nlp/sentence-vectors';
import { trainTextClassifier } from '../nlp/train';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function fail(message: string): never {
  process.stderr.write(`train:all: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: join(repoRoot, '../shared/data') },
      out: { type: 'string', default: join(repoRoot, 'src/nlp/models') },
      only: { type: 'string' },
      'bench-only': { type: 'boolean', default: false },
      'bench-json': { type: 'boolean', default: false },
    },
  });
  const only = values.only ? new Set(values.only.split(',')) : null;
  const recipes = MODEL_RECIPES.filter((r) => !only || only.has(r.name));
  if (only && recipes.length !== only.size) fail(`unknown model in --only; known: ${MODEL_RECIPES.map((r) => r.name).join(', ')}`);
  await mkdir(values.out, { recursive: true });

  const table: string[][] = [];
  if (!values['bench-only']) {
    const csvCache = new Map<string, string>();
    // Sentence vectors per (file, text column): the airline tweets serve three models, the shopping reviews two.
    const vectorCache = new Map<string, Map<string, Float32Array>>();
    let embedder: Embedder | undefined;
    for (const recipe of recipes) {
      const path = join(values.data, recipe.file);
      let text = csvCache.get(path);
      if (text === undefined) {
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          fail(`cannot read ${path} (use --data <dir> to point at the shared data)`);
        }
        csvCache.set(path, text);
      }
      const rows: LabelledText[] = labelledRowsFromCsv(text, recipe.textColumn, recipe.labelColumn);
      let embeddings: Float32Array[] | undefined;
      if (recipe.dense) {
        const key = `${path}\u0000${recipe.textColumn}`;
        let known = vectorCache.get(key);
        if (!known) {
          // Imported here: onnxruntime's native library would otherwise count in the --bench-only RSS.
          embedder ??= await (await import('../nlp/embedding')).loadEmbedder(useModelFiles(repoRoot));
          const t0 = performance.now();
          known = await columnSentenceVectors(embedder, text, recipe.textColumn, (done, total) => process.stderr.write(`\rembedding ${recipe.file} ${done}/${total}`));
          process.stderr.write(` (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
          vectorCache.set(key, known);
        }
        embeddings = rows.map((r) => known!.get(r.text)!);
      }
      const bar = new cliProgress.SingleBar(
        { format: `${recipe.name.padEnd(13)} [{bar}] {percentage}% {phase}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0, { phase: '' });
      const started = performance.now();
      const result = trainTextClassifier(rows, {
        name: recipe.name,
        spec: recipe.spec,
        seed: SHIPPED_SEED,
        holdout: SHIPPED_HOLDOUT,
        minDf: recipe.minDf,
        grid: recipe.grid,
        epochs: recipe.epochs,
        average: recipe.average,
        classWeightPower: recipe.classWeightPower,
        loss: recipe.loss,
        ...(recipe.dense && embeddings ? { dense: { encoder: SENTENCE_ENCODER, embeddings, ...recipe.dense } } : {}),
        textColumn: recipe.textColumn,
        labelColumn: recipe.labelColumn,
        source: recipe.file,
        onProgress: (done, total, phase) => {
          bar.setTotal(total);
          bar.update(done, { phase });
        },
      });
      bar.stop();
      const json = modelToJson(result.model);
      await writeFile(join(values.out, `${recipe.name}.json`), json, 'utf8');
      const h = result.heldOut;
      const tuning = result.tuning.map((t) => `lr=${t.learningRate}:${t.accuracy.toFixed(3)}`).join(' ');
      process.stderr.write(`${recipe.name}: validation ${tuning}\n`);
      if (result.denseTuning.length) process.stderr.write(`${recipe.name}: validation ${result.denseTuning.map((t) => `${t.setting}:${t.accuracy.toFixed(4)}`).join(' | ')}\n`);
      table.push([
        recipe.name,
        String(rows.length),
        String(h?.n ?? 0),
        h ? h.accuracy.toFixed(4) : '-',
        h ? h.macroF1.toFixed(4) : '-',
        String(result.model.buckets.length),
        `${(json.length / 1e6).toFixed(2)} MB`,
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
      ]);
    }
    await embedder?.release();
    const head = ['model', 'rows', 'held-out', 'accuracy', 'macro-F1', 'features', 'file', 'train time'];
    console.log(formatTable(head, table));
  }

  // Measured in a fresh process: training leaves hundreds of MB of garbage that would inflate RSS.
  const bench = values['bench-only'] ? await benchmarkTriage(values.out, values.data) : benchInChild(values.out, values.data);
  if (values['bench-json']) {
    console.log(JSON.stringify(bench));
    return;
  }
  console.log('');
  console.log(
    formatTable(
      ['measure', 'value'],
      [
        ['triageText, tweet-length texts (1 core)', `${Math.round(bench.textsPerSecond)} texts/s`],
        ['model load (all six)', `${bench.loadMs.toFixed(0)} ms`],
        ['RSS with all models loaded', `${bench.rssMb.toFixed(0)} MB`],
        ['models directory', `${bench.modelsMb.toFixed(2)} MB`],
      ],
    ),
  );
}

type Bench = Awaited<ReturnType<typeof benchmarkTriage>>;

function benchInChild(out: string, data: string): Bench {
  const script = fileURLToPath(import.meta.url);
  const stdout = execFileSync(process.execPath, [...process.execArgv, script, '--bench-only', '--bench-json', '--out', out, '--data', data], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Bench;
}

/**
 * Speed through the full triageText on tweet-length texts (airline tweets, the shortest real
 * complaints we have), on this one thread; load time of all six models; RSS once loaded.
 */
async function benchmarkTriage(modelsDir: string, dataDir: string) {
  // Loaded here, after training, so the figures are for the freshly written files.
  const { loadModels, triageText } = await import('../nlp/triage');
  const t0 = performance.now();
  const models = await loadModels(modelsDir);
  const loadMs = performance.now() - t0;
  const tweets = labelledRowsFromCsv(readFileSync(join(dataDir, 'airline_tweets_en.csv'), 'utf8'), 'text', 'airline_sentiment')
    .slice(0, 3000)
    .map((r) => r.text);
  for (const body of tweets.slice(0, 500)) triageText(models, { body });
  const rounds = 3;
  const t1 = performance.now();
  for (let r = 0; r < rounds; r++) for (const body of tweets) triageText(models, { body });
  const seconds = (performance.now() - t1) / 1000;
  const modelsMb = readdirSync(modelsDir)
    .filter((f) => f.endsWith('.json'))
    .reduce((a, f) => a + statSync(join(modelsDir, f)).size, 0) / 1e6;
  return { textsPerSecond: (rounds * tweets.length) / seconds, loadMs, rssMb: process.memoryUsage().rss / 1e6, modelsMb };
}

function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
