import { performance } from 'node:perf_hooks';
import { loadModels, triageText, type TriageModels } from '../src/nlp';
import { benchTexts } from './sample-texts';
import { ROOT } from './stack';

interface GroupFigures {
  source: string;
  texts: number;
  meanChars: number;
  seconds: number;
  textsPerSecond: number;
}

/** Triages the group's texts round-robin for `seconds` on this (one) thread. */
function timeGroup(models: TriageModels, source: string, texts: string[], seconds: number): GroupFigures {
  for (let i = 0; i < Math.min(texts.length, 200); i++) triageText(models, { body: texts[i]! }); // warm-up: JIT
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 20; k++) triageText(models, { body: texts[(n + k) % texts.length]! });
    n += 20;
  }
  const took = (performance.now() - start) / 1000;
  const meanChars = texts.reduce((a, t) => a + t.length, 0) / texts.length;
  return { source, texts: n, meanChars: Math.round(meanChars), seconds: took, textsPerSecond: Math.round(n / took) };
}

/**
 * Runs in its own process (see classification.ts) so its RSS is the models' and nothing else's, and the
 * loop has one core to itself. Prints one JSON line.
 */
async function main(): Promise<void> {
  const durationS = Number(process.argv[2] ?? '5');
  global.gc?.();
  const rssBase = process.memoryUsage().rss;
  const t0 = performance.now();
  const models = await loadModels();
  const loadMs = performance.now() - t0;
  global.gc?.();
  const rssLoaded = process.memoryUsage().rss;
  // Texts are read after the RSS reading: parsing megabytes of CSV is the bench's cost, not the service's.
  const groups = benchTexts(ROOT);
  const perGroup = groups.map((g) => timeGroup(models, g.source, g.texts, durationS / groups.length));
  const texts = perGroup.reduce((a, g) => a + g.texts, 0);
  const seconds = perGroup.reduce((a, g) => a + g.seconds, 0);
  const out = { textsPerSecond: texts / seconds, texts, seconds, groups: perGroup, loadMs, rssBaseMb: rssBase / 2 ** 20, rssLoadedMb: rssLoaded / 2 ** 20, rssAfterMb: process.memoryUsage().rss / 2 ** 20 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
