import { beforeAll, describe, expect, it } from 'vitest';
import { loadModels, triageText, type TriageModels } from '../../../src/nlp/triage';

let models: TriageModels;
beforeAll(async () => {
  models = await loadModels();
});

describe('shipped models', () => {
  it('triage a clear English banking complaint', () => {
    const r = triageText(models, {
      subject: 'Card stolen',
      body: 'My card was stolen yesterday and someone used it. Please block it now! I will contact my lawyer if this is not fixed.',
      customerTags: ['Servicemember'],
    });
    expect(r.language).toBe('en');
    expect(r.intent.label).toMatch(/lost_or_stolen_card|compromised_card|card_payment_not_recognised/);
    expect(r.sentiment.label).toBe('negative');
    expect(r.priority).toBe('P1');
    expect(r.priorityReasons).toContain('legal_threat:lawyer');
    expect(r.priorityReasons).toContain('vulnerable_customer:Servicemember');
    expect(r.category.model).toBe('category-en');
    expect(r.summary.length).toBeGreaterThan(10);
  });

  it('classifies CFPB-style products', () => {
    const debt = triageText(models, { body: 'A debt collector keeps calling me about a debt I do not owe. They threatened me and called my employer about the collection.' });
    expect(debt.category.label).toBe('Debt collection');
    const mortgage = triageText(models, { body: 'My mortgage servicer lost my loan modification paperwork and started foreclosure on my home while escrow payments were misapplied.' });
    expect(mortgage.category.label).toBe('Mortgage');
  });

  it('reads airline sentiment and reasons', () => {
    const r = triageText(models, { body: '@united my flight was cancelled and now my bag is lost. Worst airline ever!!!' });
    expect(r.sentiment.label).toBe('negative');
    expect(r.sentiment.intensity).toBeGreaterThan(0.5);
    expect(r.reason?.label).toMatch(/Lost Luggage|Cancelled Flight/);
    const happy = triageText(models, { body: '@united thank you so much, the crew was wonderful and we landed early!' });
    expect(happy.sentiment.label).toBe('positive');
    expect(happy.reason).toBeUndefined();
  });

  it('triages a clear Chinese complaint', () => {
    const r = triageText(models, { body: '买的洗发水是假货，用了头皮过敏，我要退款，不然就打12315投诉！' });
    expect(r.language).toBe('zh');
    expect(r.category.label).toBe('洗发水');
    expect(r.category.model).toBe('category-zh');
    expect(r.sentiment.label).toBe('negative');
    expect(r.intent.label).toBe('refund');
    expect(r.priority).toBe('P1');
    expect(r.priorityReasons).toContain('regulator:12315');
    expect(r.keywords.length).toBeGreaterThan(0);
  });

  it('tells Chinese product categories and polarity apart', () => {
    expect(triageText(models, { body: '酒店房间很脏，前台服务员态度恶劣，隔音太差一晚上没睡好' }).category.label).toBe('酒店');
    expect(triageText(models, { body: '水果收到的时候都烂了，苹果一点都不新鲜' }).category.label).toBe('水果');
    expect(triageText(models, { body: '手机很好用，电池耐用，拍照清晰，非常满意' }).sentiment.label).toBe('positive');
  });

  it('routes mixed text by its dominant script', () => {
    const r = triageText(models, { body: '我的 iPhone 屏幕碎了，order 号 12345，要求退货退款' });
    expect(['zh', 'mixed']).toContain(r.language);
    expect(r.category.model).toBe('category-zh');
  });
});
