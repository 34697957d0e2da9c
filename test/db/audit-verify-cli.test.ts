import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuditActivities } from '../../activities/audit';
import { anchoredCheckpoints } from '../../src/audit/anchor';
import { auditKeyId, entryHash, GENESIS_HASH } from '../../src/audit/chain';
import { openDatabase, pgliteDirFor, type Db } from '../../src/db/client';
import { insertAudit } from '../../src/db/queries/audit';
import { auditLog, type AuditLogRow } from '../../src/db/schema';
import { loadConfig } from '../../src/config';
import { freePort, readTemporalDevConfig, startTemporalDevServer } from '../../src/embedded/temporal-dev-server';
import { ensureTemporalBinaries } from '../../src/embedded/tools';
import { AUDIT_ANCHOR_WORKFLOW_ID } from '../../src/shared/audit-anchor';
import { ensureAuditAnchor } from '../../src/temporal/audit-anchor';
import { TEST_AUDIT_KEY, testAuditKeyring } from '../helpers/db';
import { eventually, quietRuntime, uniqueTaskQueue, workflowBundle } from '../helpers/stack';

// Each tamper kind as a database owner could do it (a session that switches the append-only triggers off),
// then `npm run audit:verify` run as an operator would, against the table and the anchor in Temporal.

let client: Client;
let connection: Connection;
let native: NativeConnection;

beforeAll(async () => {
  quietRuntime();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: 'default' });
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  await native?.close();
  await connection?.close();
});

interface AnchoredLog {
  dataDir: string;
  anchorId: string;
  rows: AuditLogRow[];
}

/**
 * A data directory with six keyed entries (and one unused id after the third, as a rolled-back append
 * leaves), whose head the audit anchor workflow, on a worker of its own, has checkpointed in Temporal.
 */
async function anchoredLog(temporal: { client: Client; native: NativeConnection; anchorId?: string } = { client, native }, dataDir = mkdtempSync(path.join(tmpdir(), 'audit-'))): Promise<AnchoredLog> {
  const database = await openDatabase({ pgliteDir: pgliteDirFor(dataDir), auditKeyring: testAuditKeyring });
  try {
    await database.migrate();
    for (let k = 0; k < 6; k++) {
      await insertAudit(database.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { k } });
      if (k === 2) await database.db.execute(sql`select nextval(pg_get_serial_sequence('audit_log', 'id'))`);
    }
    const taskQueue = uniqueTaskQueue('audit-anchor');
    const anchorId = temporal.anchorId ?? `audit-anchor-${taskQueue}`;
    const worker = await Worker.create({ connection: temporal.native, taskQueue, workflowBundle: await workflowBundle(), activities: createAuditActivities({ db: database.db }) });
    await worker.runUntil(async () => {
      // An hour's interval: the checkpoint comes from the start signal, as at a worker's start.
      await ensureAuditAnchor(temporal.client, 3_600_000, { taskQueue, workflowId: anchorId });
      await eventually(async () => ((await anchoredCheckpoints(temporal.client, anchorId)).some((c) => c.count === 6) ? true : undefined));
    });
    // The anchor keeps its history after it ends; a test has no use for a workflow waiting on an hour's timer.
    await temporal.client.workflow.getHandle(anchorId).terminate('test done');
    return { dataDir, anchorId, rows: await database.db.select().from(auditLog).orderBy(auditLog.id) };
  } finally {
    await database.close();
  }
}

/** Opens the data directory as its owner, with the append-only triggers off for the session. */
async function tamper(dataDir: string, change: (db: Db) => Promise<unknown>): Promise<void> {
  const database = await openDatabase({ pgliteDir: pgliteDirFor(dataDir) });
  try {
    await database.db.execute(sql`set session_replication_role = replica`);
    await change(database.db);
  } finally {
    await database.close();
  }
}

/** Runs `npm run audit:verify` against the data directory and the test's Temporal, as an operator would. */
function auditVerify(log: AnchoredLog, env: NodeJS.ProcessEnv = {}, args = ['--anchor', log.anchorId]) {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: log.dataDir, AUDIT_KEY: TEST_AUDIT_KEY, TEMPORAL_ADDRESS: inject('temporalAddress'), ...env };
  delete e.DATABASE_URL; // this test owns its embedded database
  delete e.AUDIT_PREVIOUS_KEYS;
  if (env.TEMPORAL_ADDRESS === undefined && 'TEMPORAL_ADDRESS' in env) delete e.TEMPORAL_ADDRESS;
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/audit-verify.ts', ...args], { env: e, encoding: 'utf8', timeout: 90_000 });
}

/** Rewrites entries from `from` on as the owner could without the key: plain SHA-256, linked to each other. */
async function recomputePlain(db: Db, rows: AuditLogRow[], from: number, edit: Partial<AuditLogRow>): Promise<void> {
  let prev = from === 0 ? GENESIS_HASH : rows[from - 1]!.hash!;
  for (const [i, row] of rows.entries()) {
    if (i < from) continue;
    const fields = i === from ? { ...row, ...edit } : row;
    const hash = entryHash(prev, fields);
    await db.update(auditLog).set({ ...(i === from ? edit : {}), prevHash: prev, hash, keyId: null }).where(eq(auditLog.id, row.id));
    prev = hash;
  }
}

// Each test spawns the CLI two or three times (a few seconds each on a busy machine) and runs a worker.
describe('npm run audit:verify', { timeout: 180_000 }, () => {
  it('says intact with counts, and still runs when Temporal cannot be reached', async () => {
    const log = await anchoredLog();
    const ok = auditVerify(log);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit log intact: 6 entries \(6 keyed, 0 plain SHA-256 from before the key\), every hash holds; 1 anchored checkpoints hold, the newest of \d{4}-/);

    const down = auditVerify(log, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(down.status, down.stderr).toBe(0);
    expect(down.stderr).toContain('anchor could not be checked');
    expect(down.stdout).toMatch(/audit log intact: 6 entries .*; anchor not checked/);

    // The key is the secret: another key finds every entry foreign.
    const wrongKey = auditVerify(log, { AUDIT_KEY: 'x'.repeat(32) });
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toContain(`audit log BROKEN at entry ${log.rows[0]!.id} (chain recomputed / entries forged without the key): signed with audit key ${auditKeyId(TEST_AUDIT_KEY)}`);
  });

  it('names an edited entry (with Temporal down too)', async () => {
    const log = await anchoredLog();
    const third = log.rows[2]!;
    await tamper(log.dataDir, (db) => db.update(auditLog).set({ actor: 'someone-else' }).where(eq(auditLog.id, third.id)));
    const r = auditVerify(log);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`audit log BROKEN at entry ${third.id} (edited entry)`);
    const down = auditVerify(log, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain(`audit log BROKEN at entry ${third.id} (edited entry)`);
  });

  it('names an entry removed mid-chain', async () => {
    const log = await anchoredLog();
    await tamper(log.dataDir, (db) => db.delete(auditLog).where(eq(auditLog.id, log.rows[2]!.id)));
    const r = auditVerify(log);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`audit log BROKEN at entry ${log.rows[3]!.id} (entry removed mid-chain)`);
  });

  it('names an entry inserted mid-chain', async () => {
    const log = await anchoredLog();
    const [third, fourth] = [log.rows[2]!, log.rows[3]!];
    const gap = third.id + 1;
    expect(fourth.id).toBe(gap + 1);
    // Into the unused id, linked to the entry before it; without the key its hash can only be made up.
    await tamper(log.dataDir, async (db) => {
      const fields = { at: new Date(third.at.getTime() + 1), actor: 'admin', role: 'admin', action: 'handler_deleted', complaintId: null, data: { k: 'x' } };
      await db.insert(auditLog).values({ id: gap, ...fields, prevHash: third.hash, keyId: third.keyId, hash: entryHash(third.hash!, fields) });
    });
    const r = auditVerify(log);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`audit log BROKEN at entry ${gap} (entry inserted mid-chain)`);
  });

  it('names a chain recomputed without the key: edited, every later hash redone, even the switch-over moved', async () => {
    const log = await anchoredLog();
    const third = log.rows[2]!;
    await tamper(log.dataDir, (db) => recomputePlain(db, log.rows, 2, { actor: 'someone-else' }));
    const r = auditVerify(log);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`audit log BROKEN at entry ${third.id} (chain recomputed / entries forged without the key)`);

    // Every entry recomputed, and the switch-over record moved past them: the table alone now holds up as
    // an old plain chain. The anchor does not.
    const whole = await anchoredLog();
    await tamper(whole.dataDir, async (db) => {
      await recomputePlain(db, whole.rows, 0, { actor: 'someone-else' });
      await db.execute(sql`update audit_chain set keyed_from = ${whole.rows[5]!.id}`);
    });
    const w = auditVerify(whole);
    expect(w.status).toBe(1);
    expect(w.stderr).not.toContain('(edited entry)');
    expect(w.stderr).toMatch(/audit log BROKEN at entry \d+ \(chain recomputed \/ entries forged without the key\): the switch-over record says \d+, the checkpoint of .* anchored 0/);
  });

  it('names the newest entries deleted', async () => {
    const log = await anchoredLog();
    await tamper(log.dataDir, (db) => db.delete(auditLog).where(eq(auditLog.id, log.rows[5]!.id)));
    const r = auditVerify(log);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`audit log BROKEN at entry ${log.rows[5]!.id} (newest entries deleted / table truncated)`);
    expect(r.stderr).toContain(`the log now ends at entry ${log.rows[4]!.id} (5 entries): the newest entries were deleted`);
  });

  it('names a truncated table, even after the service has written to it again', async () => {
    const log = await anchoredLog();
    await tamper(log.dataDir, (db) => db.execute(sql`truncate audit_log`));
    const database = await openDatabase({ pgliteDir: pgliteDirFor(log.dataDir), auditKeyring: testAuditKeyring });
    await insertAudit(database.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { after: 'truncate' } });
    await database.close();
    const r = auditVerify(log);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`audit log BROKEN at entry ${log.rows[5]!.id} (newest entries deleted / table truncated)`);
    expect(r.stderr).toContain('the table was truncated');
  });

  it('on the embedded stack, stopped, reads the anchor from the Temporal store under DATA_DIR', async () => {
    // npm start's own dev server over DATA_DIR/temporal.sqlite, as the service leaves it when it stops.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'audit-embedded-'));
    const config = loadConfig({ ...process.env, DATA_DIR: dataDir });
    const dev = readTemporalDevConfig(config.temporal.devConfigPath);
    const server = await startTemporalDevServer({ cli: ensureTemporalBinaries(config, process.cwd()).cli, config: dev, dbPath: path.join(dataDir, dev.dbFile!), port: await freePort(), headless: true, stdio: 'ignore' });
    let log: AnchoredLog;
    try {
      const conn = await Connection.connect({ address: server.address });
      const nat = await NativeConnection.connect({ address: server.address });
      try {
        log = await anchoredLog({ client: new Client({ connection: conn, namespace: 'default' }), native: nat, anchorId: AUDIT_ANCHOR_WORKFLOW_ID }, dataDir);
      } finally {
        await nat.close();
        await conn.close();
      }
    } finally {
      await server.stop();
    }
    await tamper(log.dataDir, (db) => db.delete(auditLog).where(eq(auditLog.id, log.rows[5]!.id)));
    const r = auditVerify(log, { TEMPORAL_ADDRESS: undefined }, []);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain(`audit log BROKEN at entry ${log.rows[5]!.id} (newest entries deleted / table truncated)`);
  });
});
