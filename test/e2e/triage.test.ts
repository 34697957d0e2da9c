import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('e2e-triage');
});

afterAll(async () => {
  await stack?.stop();
});

async function postAndTriage(body: string, customer: Record<string, string>, subject?: string) {
  const created = await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', subject, body, customer } });
  expect(created.statusCode).toBe(201);
  const { id } = created.json();
  return eventually(async () => {
    const c = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json();
    return c.language && c.department ? c : undefined;
  });
}

describe('triage through the API: the models read the complaint, the department follows', () => {
  it('an English banking complaint with a legal threat: intent, sentiment, priority with reasons, keywords, summary', async () => {
    const c = await postAndTriage(
      'Someone used my debit card without permission and took $900 from my checking account. Your branch refused to reverse it. ' +
        'I am furious and I will contact my attorney if the money is not returned this week.',
      { id: 'cust-en-1', language: 'en', email: 'en1@example.com' },
    );
    expect(c.language).toBe('en');
    expect(c.category).toBeTruthy();
    expect(c.department).toBeTruthy();
    expect(typeof c.intent).toBe('string');
    expect(c.sentiment.label).toBe('negative');
    expect(c.sentiment.score).toBeLessThan(0);
    expect(c.priority).toBe('P1');
    expect(c.priorityReasons.join(' ')).toMatch(/attorney/);
    expect(c.keywords.length).toBeGreaterThan(2);
    expect(c.keywords.join(' ')).toMatch(/card|account|money|branch/);
    expect(c.summary.length).toBeGreaterThan(10);
    expect(c.summary.length).toBeLessThanOrEqual(121);
  });

  it('a Chinese phone complaint: the model decides the category, which maps to its department', async () => {
    const c = await postAndTriage('手机用了三天就黑屏，充不进电，屏幕还有划痕，联系卖家一直没人回复，非常失望。', { id: 'cust-zh-1', language: 'zh', phone: '+8613800000000' });
    expect(c.language).toBe('zh');
    expect(c.category).toBe('product_quality'); // 手机 → product_quality (triage-rules.yml modelCategories)
    expect(c.department).toBe('quality');
    expect(c.sentiment.label).toBe('negative');
    expect(['P1', 'P2', 'P3']).toContain(c.priority);
    expect(c.priorityReasons.length).toBeGreaterThan(0);
    expect(c.keywords.length).toBeGreaterThan(1);
    expect(c.summary).toMatch(/[\u4e00-\u9fff]/);
  });
});
