import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { anchoredCheckpoints, checkAnchors, type AnchorReport } from '../audit/anchor';
import { TAMPER_KINDS, type ChainBreak } from '../audit/chain';
import { loadConfig, type Config } from '../config';
import { openDatabase, pgliteDirFor, type Database } from '../db/client';
import { freePort, readTemporalDevConfig, startTemporalDevServer } from '../embedded/temporal-dev-server';
import { ensureTemporalBinaries } from '../embedded/tools';
import { verifyAuditLog } from '../db/queries/audit';
import { withTimeout } from '../lib/timeout';
import { AUDIT_ANCHOR_WORKFLOW_ID } from '../shared/audit-anchor';
import { connectClient } from '../temporal/connection';
import { auditKeyringOf, fail } from './stack';

const USAGE = `npm run audit:verify [-- --anchor <workflow id>]

Checks the audit log's keyed hash chain end to end under AUDIT_KEY (and AUDIT_PREVIOUS_KEYS), then
compares the table with the chain heads the audit anchor workflow checkpointed in Temporal
(TEMPORAL_ADDRESS; when unset, the embedded stack's own Temporal store under DATA_DIR, opened headless
for the check, or a running npm start's server at 127.0.0.1:7233 when the database is DATABASE_URL).
Exit 1 naming the first broken entry and the kind of tampering; 0 when intact. A Temporal that cannot be
reached is reported but does not fail the run on its own.`;

/** How long the anchor may take to answer before it is reported as not checked. */
const ANCHOR_TIMEOUT_MS = 15_000;

const broken = (b: ChainBreak) => `audit log BROKEN at entry ${b.id} (${TAMPER_KINDS[b.kind]}): ${b.reason}`;

/**
 * Where the anchor's history is: TEMPORAL_ADDRESS; else, on the embedded stack (whose PGlite this process
 * could open, so npm start is not running), its dev server's SQLite store under DATA_DIR, served headless
 * on a free port for the length of the check; else a running npm start's server.
 */
async function anchorTemporal(config: Config, database: Database): Promise<{ address: string; stop?: () => Promise<void> }> {
  if (config.temporal.address) return { address: config.temporal.address };
  const dev = readTemporalDevConfig(config.temporal.devConfigPath);
  if (database.kind === 'pglite' && dev.dbFile) {
    const { cli } = ensureTemporalBinaries(config, process.cwd());
    const server = await startTemporalDevServer({ cli, config: { ...dev, namespace: config.temporal.namespace }, dbPath: path.join(config.dataDir, dev.dbFile), port: await freePort(), headless: true, stdio: 'ignore' });
    return { address: server.address, stop: () => server.stop() };
  }
  return { address: `127.0.0.1:${config.temporal.portOverride ?? dev.port}` };
}

/** The anchor's verdict, or why it could not be had (Temporal down, no anchor workflow yet). */
async function anchorReport(config: Config, database: Database, workflowId: string): Promise<AnchorReport | { unchecked: string }> {
  let temporal: Awaited<ReturnType<typeof anchorTemporal>> | undefined;
  let c: Awaited<ReturnType<typeof connectClient>> | undefined;
  try {
    temporal = await anchorTemporal(config, database);
    const address = temporal.address;
    c = await withTimeout(connectClient(config.temporal, address), ANCHOR_TIMEOUT_MS, `Temporal at ${address}`);
    const checkpoints = await withTimeout(anchoredCheckpoints(c.client, workflowId), ANCHOR_TIMEOUT_MS, `Temporal at ${address}`);
    return await checkAnchors(database.db, checkpoints);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { unchecked: `no anchor workflow ${workflowId} on ${temporal?.address} (has a worker started there?)` };
    return { unchecked: `${(err as Error).message}` };
  } finally {
    await c?.close().catch(() => {});
    await temporal?.stop?.().catch(() => {});
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { anchor: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const keyring = auditKeyringOf(config);
  const database = await openDatabase({ url: config.database.url, pgliteDir: pgliteDirFor(config.dataDir), poolSize: 1 });
  try {
    const chain = await verifyAuditLog(database.db, keyring);
    if (chain.firstBroken) {
      console.error(`${broken(chain.firstBroken)} (${chain.checked} entries before it hold)`);
      process.exitCode = 1;
    }
    // The anchor is checked even after a break: a truncation is worth naming beside an edit.
    const anchor = await anchorReport(config, database, values.anchor ?? AUDIT_ANCHOR_WORKFLOW_ID);
    if ('unchecked' in anchor) console.error(`anchor could not be checked: ${anchor.unchecked}`);
    else if (anchor.firstBroken) {
      console.error(broken(anchor.firstBroken));
      process.exitCode = 1;
    }
    if (process.exitCode !== 1) {
      const plain = chain.checked - (chain.keyed ?? 0);
      const anchored = 'unchecked' in anchor ? 'anchor not checked' : `${anchor.checkpoints} anchored checkpoints hold${anchor.newest ? `, the newest of ${anchor.newest}` : ''}`;
      console.log(`audit log intact: ${chain.checked} entries (${chain.keyed ?? 0} keyed, ${plain} plain SHA-256 from before the key), every hash holds; ${anchored}`);
    }
  } finally {
    await database.close();
  }
}

main().catch(fail);
