import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { freePort, readTemporalDevConfig, startTemporalDevServer } from '../src/embedded/temporal-dev-server';
import { ensureTemporalBinaries } from '../src/embedded/tools';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalTestServer: string;
  }
}

/**
 * One Temporal dev server (the pinned binary, in memory, on a free port so a developer's running
 * `npm start` is untouched) for every integration test file, and a reachability check of DATABASE_URL.
 * Each test file then makes its own database (PGlite in memory, or a fresh PostgreSQL database).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = loadConfig();
  const bins = ensureTemporalBinaries(config, process.cwd());
  if (config.database.url) {
    const db = await openDatabase({ url: config.database.url, poolSize: 1 });
    try {
      await db.ping(5000);
    } finally {
      await db.close();
    }
  }
  const server = await startTemporalDevServer({
    cli: bins.cli,
    config: readTemporalDevConfig(config.temporal.devConfigPath),
    port: await freePort(),
    headless: true,
    stdio: 'ignore',
  });
  project.provide('temporalAddress', server.address);
  project.provide('temporalTestServer', bins.testServer);
  return () => server.stop();
}
