import { eventually } from '../helpers/eventually';
import { inspect } from 'node:util';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { ComplaintWorkflowInput } from '../../src/shared/types';
import { complaintWorkflow } from '../../workflows';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { activityDeps, uniqueTaskQueue, workflowBundle, startTimeSkipping } from '../helpers/stack';

// Issue 20 item 3: a failing activity's log lines printed the SQL parameters of the failed query
// (name, email, phone, complaint text), on every retry. Every line the worker's logger receives, at
// every level, is captured here and searched for the seeded personal data.

const lines: string[] = [];
const MARKERS = { name: 'Piia Markkanen-7731', email: 'piia.marker.7731@example.com', phone: '+15557731001', body: 'PIIBODYMARKER7731' };

let env: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  // The runtime's logger is the worker's: installed before anything creates the runtime.
  Runtime.install({ logger: new DefaultLogger('TRACE', (e) => lines.push(`${e.level} ${e.message} ${inspect(e.meta, { depth: 10 })}`)), shutdownSignals: [] });
  database = await createTestDatabase();
  env = await startTimeSkipping();
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  await database?.dispose();
});

describe('personal data never reaches the worker logs', () => {
  it('an insert that keeps failing logs its failure, without the name, email, phone or text of the complaint', async () => {
    // A constraint the complaint's row violates: every write of it fails, intake and the parking alike.
    await database.db.execute(sql.raw(`alter table complaints add constraint pii_test_refuses check (customer_name is distinct from '${MARKERS.name}')`));
    const taskQueue = uniqueTaskQueue('pii');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createActivities(await activityDeps(database)) });
    const i: ComplaintWorkflowInput = {
      id: `pii${Date.now().toString(36)}`,
      channel: 'api',
      body: `My card was charged twice. ${MARKERS.body}`,
      customer: { name: MARKERS.name, email: MARKERS.email, phone: MARKERS.phone, language: 'en' },
      metadata: {},
      submittedBy: { subject: 'test-integrator', role: 'integrator' },
      receivedAt: new Date(await env.currentTimeMs()).toISOString(),
    };
    await worker.runUntil(async () => {
      await env.client.workflow.start(complaintWorkflow, { taskQueue, workflowId: `complaint-${i.id}`, args: [i] });
      // Several failed attempts, each logged.
      await eventually(async () => (lines.filter((l) => l.includes('Activity failed')).length >= 3 ? true : undefined), undefined, 50);
    });
    const failures = lines.filter((l) => l.includes('Activity failed'));
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.join('\n')).toContain('23514'); // the failure itself is still there to read
    for (const [field, marker] of Object.entries(MARKERS)) {
      const leaking = lines.filter((l) => l.includes(marker));
      expect(leaking, `${field} in ${leaking.length} of ${lines.length} log lines`).toEqual([]);
    }
  });
});
