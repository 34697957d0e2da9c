/**
 * Classifies JSON lines from stdin with one model.
 *
 *   npm run classify -- --model <model.json>   < {"id":..,"text":..} lines   > {"id","label","confidence"} lines
 *
 * The model is a trained text classifier (`npm run train`; with a dense head over sentence vectors, the
 * encoder embeds each line first) or a few-shot model over sentence embeddings (`npm run train -- --fewshot`,
 * and the taxonomy classifier's own kind); each line gets its top-1 label.
 *
 * stdout carries only result lines; problems with a line go to stderr and set a non-zero exit code.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { useModelFiles } from '../embedded/use-model';
import { classifyText } from '../nlp/classifier';
import { loadEmbedder } from '../nlp/embedding';
import { loadFewShot } from '../nlp/fewshot';
import { loadModel } from '../nlp/model-io';

/** One line's text to its top-1 label and confidence, from whichever kind of model the file holds. */
type Classify = (texts: string[]) => Promise<Array<{ label: string; confidence: number }>>;

async function classifierFrom(file: string): Promise<{ classify: Classify; release: () => Promise<void> }> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as { format?: string };
  if (raw.format === 'fewshot-v1') {
    const embedder = await loadEmbedder(useModelFiles(process.cwd()));
    const model = loadFewShot(raw, embedder);
    return { classify: (texts) => model.predict(texts), release: () => embedder.release() };
  }
  const model = await loadModel(file);
  if (model.dense) {
    const embedder = await loadEmbedder(useModelFiles(process.cwd()));
    return {
      classify: async (texts) => {
        const vectors = await embedder.embed(texts);
        return texts.map((t, i) => classifyText(model, t, vectors[i]));
      },
      release: () => embedder.release(),
    };
  }
  return { classify: async (texts) => texts.map((t) => classifyText(model, t)), release: async () => {} };
}

/** Lines classified together: the encoder runs a batch at a time. */
const BATCH = 64;

const USAGE = 'usage: npm run classify -- --model <model.json>  (JSON lines {"id","text"} on stdin)';

function fail(message: string): never {
  process.stderr.write(`classify: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { model: { type: 'string' } } }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (!values.model) fail('--model is required');
  let model: Awaited<ReturnType<typeof classifierFrom>>;
  try {
    model = await classifierFrom(values.model);
  } catch (err) {
    fail(`cannot load model ${values.model}: ${(err as Error).message}`);
  }
  let bad = 0;
  let lineNo = 0;
  let batch: Array<{ id: unknown; text: string }> = [];
  const flush = async (): Promise<void> => {
    const results = await model.classify(batch.map((b) => b.text));
    for (const [i, p] of results.entries()) process.stdout.write(`${JSON.stringify({ id: batch[i]!.id ?? null, label: p.label, confidence: Math.round(p.confidence * 10000) / 10000 })}\n`);
    batch = [];
  };
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNo++;
    if (!line.trim()) continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      bad++;
      process.stderr.write(`classify: line ${lineNo}: not valid JSON\n`);
      continue;
    }
    const rec = item as { id?: unknown; text?: unknown };
    if (typeof item !== 'object' || item === null || typeof rec.text !== 'string') {
      bad++;
      process.stderr.write(`classify: line ${lineNo}: expected {"id": ..., "text": "<string>"}\n`);
      continue;
    }
    batch.push({ id: rec.id, text: rec.text });
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  await model.release();
  if (bad > 0) {
    process.stderr.write(`classify: ${bad} line(s) skipped\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`classify: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
