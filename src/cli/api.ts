import { loadConfig } from '../config';
import { secretsNotice } from '../secrets';
import { connectClient } from '../temporal/connection';
import { fail, onShutdown, prepareDatabase, startApi } from './stack';

// The API alone, for scaling out behind a load balancer; stateless, so run as many as you like.
async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = secretsNotice(config.secretsOrigin);
  if (secrets) console.log(`[complaint-desk] ${secrets}`);
  if (!config.temporal.address) throw new Error('npm run api needs TEMPORAL_ADDRESS (the embedded dev server runs only under npm start)');
  if (!config.database.url) throw new Error('npm run api needs DATABASE_URL (embedded PGlite is single-process; use npm start)');
  const database = await prepareDatabase(config);
  const { client, close } = await connectClient(config.temporal, config.temporal.address);
  const app = await startApi(config, database, client);
  console.log(`[complaint-desk] API on http://${config.api.host}:${config.api.port}`);
  onShutdown([() => app.close(), close, () => database.close()]);
}

main().catch(fail);
