import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';
import { withTimeout } from '../lib/timeout';
import type { AuditKeyring } from '../audit/chain';
import { bindAuditKeyring } from './queries/audit';

/** The drizzle database both drivers produce; query functions take it as their first argument. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Runs a raw SQL statement and returns its rows, whichever driver answered: postgres.js returns
 * the rows themselves, PGlite wraps them in `rows`.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] } & T[];
  return result.rows ?? result;
}

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies pending migrations (of `folder`, tests only); safe to call from several processes at once. */
  migrate(folder?: string): Promise<void>;
  /** Resolves when the database answers within timeoutMs; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; unset selects embedded PGlite. */
  url?: string;
  /** PGlite data directory; unset keeps PGlite in memory (tests). */
  pgliteDir?: string;
  poolSize?: number;
  /** Signs the audit entries appended through this handle (see bindAuditKeyring); unset: appending fails. */
  auditKeyring?: AuditKeyring;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

// Any fixed number works; it only has to be the same in every process that migrates this schema.
const MIGRATION_LOCK_ID = 727_274_001;

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // Notices ("relation already exists, skipping") are noise in our logs, never information.
  const client = postgres(url, { max: poolSize, onnotice: () => {}, connect_timeout: 5 });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async migrate(folder = MIGRATIONS_DIR) {
      // One connection holds a session advisory lock, so API and worker instances starting together
      // run the migrations once, in order, instead of racing on CREATE TABLE.
      const one = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        await one`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres({ client: one }), { migrationsFolder: folder });
      } finally {
        await one.end({ timeout: 5 });
      }
    },
    ping: (timeoutMs = 2000) => withTimeout(db.execute(sql`select 1`), timeoutMs, 'PostgreSQL').then(() => undefined),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: (folder = MIGRATIONS_DIR) => migratePglite(drizzlePglite({ client }), { migrationsFolder: folder }),
    ping: (timeoutMs = 2000) => withTimeout(client.query('select 1'), timeoutMs, 'PGlite').then(() => undefined),
    close: () => client.close(),
  };
}

/** Opens PostgreSQL when a URL is given, else the embedded PGlite (in dataDir, or in memory). */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const database = opts.url ? await openPostgres(opts.url, opts.poolSize ?? 10) : await openPglite(opts.pgliteDir);
  if (opts.auditKeyring) bindAuditKeyring(database.db, opts.auditKeyring);
  return database;
}

/** The embedded store's folder under DATA_DIR. */
export const pgliteDirFor = (dataDir: string): string => path.join(dataDir, 'pg');
