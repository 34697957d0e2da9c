import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getComplaint } from '../../src/db/queries/complaints';
import { trainingExamples } from '../../src/db/schema';
import { isHeldBack } from '../../src/triage/taxonomy-learning';
import type { RetrainOutcome } from '../../activities/taxonomy-learning';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('taxonomy-learning');
});

afterAll(async () => {
  await stack?.stop();
});

/** Complaint ids on one side of the held-back split, found by trying: the split is a hash of the id. */
function ids(prefix: string, n: number, heldBack: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (isHeldBack({ complaintId: `${prefix}${i}` }) === heldBack) out.push(`${prefix}${i}`);
  return out;
}

const correct = (complaintIds: string[], texts: string[], label: string) =>
  stack.database.db.insert(trainingExamples).values(complaintIds.map((complaintId, i) => ({ complaintId, task: 'category', text: texts[i % texts.length]!, label, actor: 'sup' })));

const learn = (minCorrections: number) =>
  stack.client.workflow.execute('taxonomyLearningWorkflow', { taskQueue: stack.taskQueue, workflowId: `learning-${Math.random().toString(36).slice(2)}`, args: [{ minCorrections }] }) as Promise<RetrainOutcome>;

const models = async () => (await stack.app.inject({ method: 'GET', url: '/v1/taxonomy/models', headers: auth('supervisor') })).json().items as Array<{ name: string; active: boolean; decision: string; accuracy: number | null; corrections: number; heldBack: number }>;

async function triaged(body: string) {
  const id = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body, customer: { email: 'c@example.com' } } })).json().id;
  return eventually(async () => {
    const row = await getComplaint(stack.database.db, id);
    return row?.category ? row : undefined;
  }, 60_000);
}

const DELIVERY = ['The parcel never came and tracking stopped a week ago.', '快递一周都没有到，物流信息也不更新。', 'My order is stuck at the depot since Monday.', '包裹显示已签收但我没有收到。'];

describe('the learning loop: corrections retrain the taxonomy classifier', () => {
  it('the first complaint trains the initial model from the taxonomy; its name and confidence are on the complaint', async () => {
    const row = await triaged('The staff at the counter shouted at my father and refused to help him.');
    expect(row.categoryModel).toBe('t1-m1');
    expect(row.category).toBe('service_attitude');
    expect(row.categoryConfidence).toBeGreaterThan(0.5);
    expect((await models()).map((m) => [m.name, m.active, m.decision])).toEqual([['t1-m1', true, 'initial']]);
  });

  it('retrains only once enough corrections came in; a candidate not worse on held-back corrections replaces the active one', async () => {
    await correct(ids('ok-train-', 3, false), DELIVERY, 'delivery');
    await correct(ids('ok-held-', 2, true), DELIVERY, 'delivery');
    const early = await learn(10);
    expect(early.trained).toBe(false);
    expect(early.decision).toMatch(/5 new corrections since t1-m1, fewer than 10/);

    const r = await learn(5);
    expect(r).toMatchObject({ trained: true, name: 't1-m2', active: true, corrections: 3, heldBack: 2, decision: 'not worse than t1-m1' });
    expect(r.accuracy).toBe(1);
    const row = await triaged('My suitcase did not come off the plane.');
    expect(row.categoryModel).toBe('t1-m2');
  });

  it('a candidate worse on the held-back corrections is kept, named, but not used; an admin can still roll to it and back', async () => {
    // Poisoned corrections on the training side: delivery complaints labelled billing. The held-back
    // side keeps the truth, so the candidate must lose.
    await correct(ids('bad-train-', 40, false), DELIVERY, 'billing');
    await correct(ids('bad-held-', 6, true), DELIVERY, 'delivery');
    const r = await learn(5);
    expect(r).toMatchObject({ trained: true, name: 't1-m3', active: false, decision: 'worse than t1-m2' });
    expect(r.accuracy!).toBeLessThan(r.previousAccuracy!);
    expect((await models()).find((m) => m.active)?.name).toBe('t1-m2');

    const forbidden = await stack.app.inject({ method: 'POST', url: '/v1/taxonomy/models/t1-m1/activate', headers: auth('supervisor') });
    expect(forbidden.statusCode).toBe(403);
    const back = await stack.app.inject({ method: 'POST', url: '/v1/taxonomy/models/t1-m1/activate', headers: auth('admin') });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ name: 't1-m1', active: true });
    expect((await triaged('The courier threw my parcel over the fence.')).categoryModel).toBe('t1-m1');
    expect((await stack.app.inject({ method: 'POST', url: '/v1/taxonomy/models/t9-m9/activate', headers: auth('admin') })).statusCode).toBe(404);
  });

  it('the learning curve: every model with its held-back accuracy and the corrections it learnt from', async () => {
    const curve = (await models()).reverse().map((m) => ({ name: m.name, corrections: m.corrections, heldBack: m.heldBack, accuracy: m.accuracy }));
    expect(curve.map((c) => c.name)).toEqual(['t1-m1', 't1-m2', 't1-m3']);
    expect(curve.map((c) => c.corrections)).toEqual([0, 3, 43]);
    expect(curve[1]!.accuracy).toBe(1);
  });
});
