import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { loadConfig } from '../../src/config';
import { auditKeyring } from '../../src/audit/chain';
import { MIGRATIONS_DIR, openDatabase, type Database } from '../../src/db/client';
import { seedRouting } from '../../src/db/queries/routing';
import { seedTaxonomy } from '../../src/db/queries/taxonomy';
import { loadTaxonomyFile, type Taxonomy } from '../../src/taxonomy/taxonomy';
import { loadRoutingFile, type RoutingFile } from '../../src/routing/routing-file';

/** This test process's audit key: random, so no key is a constant anywhere, and each file signs with its own. */
export const TEST_AUDIT_KEY = randomBytes(32).toString('base64url');
export const testAuditKeyring = auditKeyring(TEST_AUDIT_KEY);

export interface TestDatabase extends Database {
  /** Closes the connection and drops the per-file database (PostgreSQL). */
  dispose(): Promise<void>;
}

/**
 * A migrated, seeded database of this test file's own: a fresh database on the PostgreSQL server of
 * DATABASE_URL when set (CI), else an in-memory PGlite. Nothing is shared between files.
 * `migrations` migrates from another folder (an earlier schema, to test a migration on data).
 */
export async function createTestDatabase(routing: RoutingFile = loadRoutingFile(), migrations?: string, taxonomy: Taxonomy | null = loadTaxonomyFile()): Promise<TestDatabase> {
  const url = loadConfig().database.url;
  let database: Database;
  let drop = async (): Promise<void> => {};
  if (url) {
    const name = `test_${randomBytes(6).toString('hex')}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    database = await openDatabase({ url: u.toString(), poolSize: 20, auditKeyring: testAuditKeyring });
    drop = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    database = await openDatabase({ auditKeyring: testAuditKeyring });
  }
  await database.migrate(migrations);
  await seedRouting(database.db, routing);
  // An earlier schema (a migration test) has no taxonomy table yet; the caller seeds after migrating on.
  if (taxonomy && !migrations) await seedTaxonomy(database.db, taxonomy);
  return {
    ...database,
    async dispose() {
      await database.close();
      await drop();
    },
  };
}

/**
 * The schema as it was before migration `tag` (e.g. `0017`): a copy of the migrations folder whose
 * journal stops there, for a test that seeds data under the old schema and then migrates on. The caller
 * removes the folder.
 */
export function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `migrations-before-${tag}-`));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.startsWith(tag));
  if (cut < 0) throw new Error(`no migration ${tag} in the journal`);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}
