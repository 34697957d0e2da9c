import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { prepareDatabase, startApi } from '../src/cli/stack';
import { loadConfig } from '../src/config';
import { queryRows, type Database } from '../src/db/client';
import { foldRollup, vacuumRollupDeltas } from '../src/db/queries/analytics-rollup';
import { runLoad, round, type LoadFigures } from './load';
import { benchEnv, openBenchDatabase, ROOT, tempDir, type BenchStack } from './stack';

/** The read endpoints measured, with the concurrency a busy desk of supervisors and agents puts on them. */
export const READ_QUERIES = [
  { name: 'list status+category', path: '/v1/complaints?status=assigned&category=billing&limit=50', connections: 8, targetP99Ms: 50 },
  { name: 'list department+priority', path: '/v1/complaints?department=logistics&priority=P2&limit=50', connections: 8, targetP99Ms: 50 },
  { name: 'analytics summary', path: '/v1/analytics/summary', connections: 2, targetP99Ms: 200 },
] as const;

/** Seconds of load on each read path before its measured run. */
const READ_WARMUP_S = 1;

export interface ReadSizeFigures {
  rows: number;
  seedSeconds: number;
  queries: Array<{ name: string; path: string; targetP99Ms: number } & LoadFigures>;
}

/**
 * Inserts rows from..to with the one INSERT ... SELECT generate_series of seed-reads.sql, with the
 * secondary indexes dropped and built again afterwards, as a bulk load is done (on PGlite 100k rows:
 * 14.8 s with them kept, 9.5 s + 2.7 s to rebuild), then VACUUM ANALYZE.
 */
async function seed(database: Database, from: number, to: number): Promise<number> {
  const text = readFileSync(path.join(ROOT, 'bench', 'seed-reads.sql'), 'utf8').replace('{{from}}', String(from)).replace('{{to}}', String(to));
  const t0 = performance.now();
  const indexes = await queryRows<{ name: string; definition: string }>(
    database.db,
    sql`select indexname as name, indexdef as definition from pg_indexes where schemaname = current_schema() and tablename = 'complaints' and indexname not in (select conname from pg_constraint)`,
  );
  for (const i of indexes) await database.db.execute(sql.raw(`drop index "${i.name}"`));
  await database.db.execute(sql.raw(text));
  for (const i of indexes) await database.db.execute(sql.raw(i.definition));
  // A production database's autovacuum would have vacuumed and analysed the table long before anyone
  // read it; measured straight after a bulk load, autovacuum's own pass over the new rows competed
  // with the reads (list p99 at 1M: 136 ms with ANALYZE alone).
  await database.db.execute(sql`vacuum analyze complaints`);
  await foldRollup(database.db); // no worker runs here to fold the load's rollup deltas, or vacuum their queue
  await database.db.execute(sql`vacuum analyze complaint_daily_stats`);
  await vacuumRollupDeltas(database.db);
  return round((performance.now() - t0) / 1000);
}

/**
 * Reads against a fresh database (never the stack's): seeded in bulk to each size in turn, the API on it
 * loaded with autocannon. Sizes grow by topping up, so 1M reuses the first 100k.
 */
export async function benchReads(stack: BenchStack, sizes: number[], durationS: number, log: (line: string) => void): Promise<ReadSizeFigures[]> {
  const dataDir = tempDir('reads');
  const db = await openBenchDatabase(await benchEnv(dataDir), 'reads');
  const config = loadConfig(db.env, ROOT);
  const database = await prepareDatabase(config);
  const app = await startApi(config, database, stack.client);
  const baseUrl = `http://${config.api.host}:${config.api.port}`;
  const out: ReadSizeFigures[] = [];
  try {
    let have = 0;
    for (const rows of sizes) {
      const seedSeconds = await seed(database, have + 1, rows);
      have = rows;
      log(`  seeded ${rows.toLocaleString('en')} rows (${seedSeconds} s for the last ${(rows - (out.at(-1)?.rows ?? 0)).toLocaleString('en')})`);
      const queries: ReadSizeFigures['queries'] = [];
      for (const q of READ_QUERIES) {
        const load = { baseUrl, token: 'dev-supervisor', requests: [{ method: 'GET' as const, path: q.path }], connections: q.connections };
        // Not counted, as the intake's first round is not: the first requests of a path pay for its JIT and first plans.
        await runLoad({ ...load, durationS: READ_WARMUP_S });
        const figures = await runLoad({ ...load, durationS });
        queries.push({ name: q.name, path: q.path, targetP99Ms: q.targetP99Ms, ...figures });
        log(`  ${rows.toLocaleString('en')} rows, ${q.name}: p99 ${figures.latencyMs.p99} ms (target ≤ ${q.targetP99Ms} ms), p50 ${figures.latencyMs.p50} ms, ${figures.okPerSecond}/s at ${q.connections} connections${figures.non2xx ? `, ${figures.non2xx} non-2xx` : ''}`);
      }
      out.push({ rows, seedSeconds, queries });
    }
  } finally {
    await app.close();
    await database.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}
