import path from 'node:path';
import { loadConfig, type Config } from '../config';
import { ensureTemporalBinaries } from '../embedded/tools';
import { readTemporalDevConfig, startTemporalDevServer, type RunningDevServer } from '../embedded/temporal-dev-server';
import { secretsNotice } from '../secrets';
import { connectClient } from '../temporal/connection';
import { fail, installRuntime, onShutdown, prepareDatabase, startApi, startWorker, stopWorker } from './stack';

/** Starts the embedded dev server unless TEMPORAL_ADDRESS points at a real cluster. */
async function temporalFor(config: Config): Promise<{ address: string; server?: RunningDevServer }> {
  if (config.temporal.address) return { address: config.temporal.address };
  const { cli } = ensureTemporalBinaries(config, process.cwd());
  const dev = readTemporalDevConfig(config.temporal.devConfigPath);
  const server = await startTemporalDevServer({
    cli,
    config: { ...dev, namespace: config.temporal.namespace },
    dbPath: dev.dbFile ? path.join(config.dataDir, dev.dbFile) : undefined,
    port: config.temporal.portOverride,
    uiPort: config.temporal.uiPortOverride,
  });
  return { address: server.address, server };
}

function banner(config: Config, apiUrl: string, uiUrl: string | undefined, dbKind: string): string {
  const lines = [
    '',
    'Complaint desk is running',
    `  API        ${apiUrl}`,
    `  API docs   ${apiUrl}/docs   (OpenAPI: ${apiUrl}/openapi.json)`,
    `  Temporal   ${uiUrl ?? `${config.temporal.address} (external)`}`,
    `  Database   ${dbKind === 'pglite' ? `embedded PGlite in ${path.join(config.dataDir, 'pg')}` : 'PostgreSQL (DATABASE_URL)'}`,
  ];
  const secrets = secretsNotice(config.secretsOrigin);
  if (secrets) lines.push('', `  ${secrets}`);
  if (config.api.devTokens) {
    lines.push('', '  !!! API_TOKENS is not set: the DEV tokens below are accepted. Never run like this in production. !!!');
    for (const t of config.api.tokens) lines.push(`      ${t.role.padEnd(10)} Authorization: Bearer ${t.token}`);
  }
  lines.push('', '  Ctrl-C stops everything.', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig();
  installRuntime();
  const temporal = await temporalFor(config);
  const database = await prepareDatabase(config);
  const { client, close: closeClient } = await connectClient(config.temporal, temporal.address);
  const { worker, running } = await startWorker(config, temporal.address, database, client);
  const app = await startApi(config, database, client);
  console.log(banner(config, `http://${config.api.host}:${config.api.port}`, temporal.server?.uiUrl, database.kind));

  onShutdown([
    () => app.close(), // stop taking requests; in-flight ones finish
    () => stopWorker(worker, running), // finish running activities, hand the rest back to Temporal
    closeClient,
    () => database.close(),
    async () => temporal.server?.stop(),
  ]);
}

main().catch(fail);
