/**
 * Few-shot evaluation on any two CSVs (issue #19, item 6):
 *
 *   npm run eval:fewshot -- --train <csv> --test <csv> --text <col> --label <col> --shots N [--seeds 3]
 *
 * Per seed, a taxonomy from N random examples per label of the train file (labels become category
 * ids), then the top-1 label of every test row; rows with an empty text or label are skipped in both
 * files. Progress goes to stderr; the last line of stdout is one JSON object:
 * {"accuracy","macroF1","n","shots","seeds","textsPerSecond"} (means over seeds).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { useModelFiles } from '../embedded/use-model';
import { labelledRowsFromCsv } from '../nlp/csv';
import { cachingEmbedder, loadEmbedder } from '../nlp/embedding';
import { evaluateFewShot } from '../nlp/fewshot';

function fail(message: string): never {
  process.stderr.write(`eval:fewshot: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      text: { type: 'string' },
      label: { type: 'string' },
      shots: { type: 'string' },
      seeds: { type: 'string', default: '3' },
    },
  });
  const { train, test, text, label } = values;
  if (!train || !test || !text || !label || !values.shots) fail('usage: --train <csv> --test <csv> --text <col> --label <col> --shots N [--seeds 3]');
  const shots = Number(values.shots);
  const seeds = Number(values.seeds);
  if (!Number.isInteger(shots) || shots < 1) fail('--shots must be a positive integer');
  if (!Number.isInteger(seeds) || seeds < 1) fail('--seeds must be a positive integer');
  const read = (file: string) => {
    try {
      return labelledRowsFromCsv(readFileSync(file, 'utf8'), text, label);
    } catch (err) {
      fail(`${file}: ${(err as Error).message}`);
    }
  };
  const trainRows = read(train);
  const testRows = read(test);
  if (trainRows.length === 0) fail(`${train}: no row with both a text and a label`);
  process.stderr.write(`eval:fewshot: ${trainRows.length} train rows, ${testRows.length} test rows, ${shots} shots, ${seeds} seeds\n`);
  const embedder = cachingEmbedder(await loadEmbedder(useModelFiles(process.cwd())));
  const r = await evaluateFewShot(trainRows, testRows, embedder, { shots, seeds, log: (l) => process.stderr.write(`eval:fewshot: ${l}\n`) });
  await embedder.release();
  const round = (x: number) => Math.round(x * 10000) / 10000;
  process.stdout.write(
    `${JSON.stringify({ accuracy: round(r.accuracy), macroF1: round(r.macroF1), n: r.n, shots: r.shots, seeds: r.seeds, textsPerSecond: Math.round(r.textsPerSecond * 10) / 10 })}\n`,
  );
}

main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
