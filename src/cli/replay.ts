import { parseArgs } from 'node:util';
import { historiesInDir, historiesOfComplaints, historiesOfQuery, replayHistories } from '../audit/replay';
import { loadConfig } from '../config';
import { connectClient } from '../temporal/connection';
import { fail, installRuntime } from './stack';

const USAGE = `npm run replay -- --id <complaint id> [--id …] | --query '<visibility query>' | --dir <folder of history JSON>

Replays workflow histories against the current workflow code and reports each determinism failure.
--id and --query read from TEMPORAL_ADDRESS (a running npm start's server when unset: 127.0.0.1:7233).`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { id: { type: 'string', multiple: true }, query: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean' } } });
  const sources = [values.id?.length ? 1 : 0, values.query ? 1 : 0, values.dir ? 1 : 0].reduce((a, b) => a + b, 0);
  if (values.help || sources !== 1) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const config = loadConfig();
  installRuntime();
  let close = async (): Promise<void> => {};
  let histories;
  if (values.dir) histories = historiesInDir(values.dir);
  else {
    const c = await connectClient(config.temporal, config.temporal.address ?? `127.0.0.1:${config.temporal.portOverride ?? 7233}`);
    close = c.close;
    histories = values.id ? historiesOfComplaints(c.client, values.id) : historiesOfQuery(c.client, values.query!);
  }
  // Progress on stderr, so stdout carries only the report.
  const report = await replayHistories(histories, (n) => process.stderr.write(`\rreplayed ${n}`));
  process.stderr.write('\n');
  await close();
  console.log(JSON.stringify(report, null, 2));
  console.error(`${report.replayed - report.failures.length} replayed cleanly, ${report.failures.length} failed`);
  process.exit(report.failures.length > 0 ? 1 : 0);
}

main().catch(fail);
