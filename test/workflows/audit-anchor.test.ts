import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuditActivities } from '../../activities/audit';
import { anchoredCheckpoints } from '../../src/audit/anchor';
import { insertAudit } from '../../src/db/queries/audit';
import { auditLog } from '../../src/db/schema';
import { AUDIT_ANCHOR_WORKFLOW_TYPE, type AuditAnchorInput, type AuditCheckpoint } from '../../src/shared/audit-anchor';
import { checkpointSignal, checkpointsQuery } from '../../workflows/audit-anchor.messages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { eventually, quietRuntime, uniqueTaskQueue, workflowBundle } from '../helpers/stack';

let database: TestDatabase;
let connection: Connection;
let native: NativeConnection;
let client: Client;

beforeAll(async () => {
  quietRuntime();
  database = await createTestDatabase();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: 'default' });
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  await native?.close();
  await connection?.close();
  await database?.dispose();
});

describe('auditAnchorWorkflow', () => {
  it('checkpoints each new chain head, keeps the newest few through continue-as-new, and holds them in its history', async () => {
    const taskQueue = uniqueTaskQueue('audit-anchor');
    const workflowId = `audit-anchor-${taskQueue}`;
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: await workflowBundle(), activities: createAuditActivities({ db: database.db }) });
    await worker.runUntil(async () => {
      const input: AuditAnchorInput = { intervalMs: 200, keep: 3, checkpoints: [], roundsPerRun: 3 };
      const first = await client.workflow.start(AUDIT_ANCHOR_WORKFLOW_TYPE, { taskQueue, workflowId, args: [input] });
      await first.signal(checkpointSignal);
      for (let k = 1; k <= 5; k++) {
        await insertAudit(database.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { k } });
        await eventually(async () => ((await client.workflow.getHandle(workflowId).query(checkpointsQuery)).some((c) => c.count === k) ? true : undefined));
      }
      const carried = await client.workflow.getHandle(workflowId).query(checkpointsQuery);
      // The empty log's checkpoint and the first two heads have been dropped: three kept, newest last.
      expect(carried.map((c) => c.count)).toEqual([3, 4, 5]);
      const [last] = await database.db.select().from(auditLog).orderBy(auditLog.id).offset(4);
      expect(carried[2]).toEqual<AuditCheckpoint>({ lastId: last!.id, hash: last!.hash!, count: 5, keyedFrom: 0, at: expect.stringMatching(/^\d{4}-/) });

      // At 200 ms a round and three rounds a run, the run now answering is a continued one, whose history
      // starts from the checkpoints carried into it.
      const now = await client.workflow.getHandle(workflowId).describe();
      expect(now.runId).not.toBe(first.firstExecutionRunId);
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      expect(history.events![0]!.workflowExecutionStartedEventAttributes!.continuedExecutionRunId).toBeTruthy();
      const fromHistory = await anchoredCheckpoints(client, workflowId);
      // Carried in at the run's start or taken in it: either way the newest heads are all in this history.
      expect([3, 4, 5].filter((n) => fromHistory.some((c) => c.count === n))).toEqual([3, 4, 5]);
      expect(fromHistory[fromHistory.length - 1]).toMatchObject({ lastId: last!.id, hash: last!.hash, count: 5 });
      // With RECORD_HISTORIES=1 the first run (signal, checkpoints, timers, continue-as-new) becomes a golden
      // history that test/workflows/replay.test.ts replays against every future version of the workflow.
      if (process.env.RECORD_HISTORIES === '1') {
        writeFileSync(path.join('test', 'histories', 'audit-anchor.json'), historyToJSON(await client.workflow.getHandle(workflowId, first.firstExecutionRunId).fetchHistory()));
      }
      await client.workflow.getHandle(workflowId).terminate('test done');
    });
  });
});
