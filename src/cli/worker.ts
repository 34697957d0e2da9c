import { loadConfig } from '../config';
import { secretsNotice } from '../secrets';
import { connectClient } from '../temporal/connection';
import { fail, installRuntime, onShutdown, prepareDatabase, startWorker, stopWorker } from './stack';

// A worker alone, for scaling out: needs a real Temporal (TEMPORAL_ADDRESS) and PostgreSQL (DATABASE_URL),
// because the embedded stores belong to the one process of `npm start`.
async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = secretsNotice(config.secretsOrigin);
  if (secrets) console.log(`[complaint-desk] ${secrets}`);
  installRuntime();
  if (!config.temporal.address) throw new Error('npm run worker needs TEMPORAL_ADDRESS (the embedded dev server runs only under npm start)');
  if (!config.database.url) throw new Error('npm run worker needs DATABASE_URL (embedded PGlite is single-process; use npm start)');
  const database = await prepareDatabase(config);
  const { client, close } = await connectClient(config.temporal, config.temporal.address);
  const { worker, running } = await startWorker(config, config.temporal.address, database, client);
  console.log(`[complaint-desk] worker polling ${config.temporal.address} namespace ${config.temporal.namespace}`);
  onShutdown([() => stopWorker(worker, running), close, () => database.close()]);
  await running;
}

main().catch(fail);
