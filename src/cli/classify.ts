/**
 * Classifies JSON lines from stdin with one model.
 *
 *   npm run classify -- --model <model.json>   < {"id":..,"text":..} lines   > {"id","label","confidence"} lines
 *
 * stdout carries only result lines; problems with a line go to stderr and set a non-zero exit code.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { classifyText } from '../nlp/classifier';
import { loadModel } from '../nlp/model-io';

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
  let model;
  try {
    model = await loadModel(values.model);
  } catch (err) {
    fail(`cannot load model ${values.model}: ${(err as Error).message}`);
  }
  let bad = 0;
  let lineNo = 0;
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
    const p = classifyText(model, rec.text);
    process.stdout.write(`${JSON.stringify({ id: rec.id ?? null, label: p.label, confidence: Math.round(p.confidence * 10000) / 10000 })}\n`);
  }
  if (bad > 0) {
    process.stderr.write(`classify: ${bad} line(s) skipped\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`classify: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
