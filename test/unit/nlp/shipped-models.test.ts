import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useModelFiles } from '../../../src/embedded/use-model';
import { SENTENCE_ENCODER } from '../../../src/nlp/classifier';
import { loadEmbedder, type Embedder } from '../../../src/nlp/embedding';
import { loadModels, triageText, type TriageInput, type TriageModels } from '../../../src/nlp/triage';

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

const encoderFiles = useModelFiles(path.resolve(__dirname, '../../..'));
const haveEncoder = existsSync(encoderFiles.model) && existsSync(encoderFiles.sentencepiece);
if (!haveEncoder) console.warn('[shipped models with the encoder] SKIPPED: .tools/use has no model files; run `npm run setup`');

describe.skipIf(!haveEncoder)('shipped models with the sentence vector', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await loadEmbedder(encoderFiles);
  });
  afterAll(async () => {
    await embedder?.release();
  });
  /** Triage as the service does it: the vector of subject and body joined by a line break. */
  const withVector = async (input: TriageInput) => {
    const [embedding] = await embedder.embed([[input.subject, input.body].filter((s) => s && s.trim()).join('\n')]);
    return triageText(models, { ...input, embedding });
  };

  it('the three models that needed it carry a dense head over the encoder; the others are n-grams alone', () => {
    expect(models.intentEn.dense?.encoder).toBe(SENTENCE_ENCODER);
    expect(models.categoryZh.dense?.encoder).toBe(SENTENCE_ENCODER);
    expect(models.sentimentZh.dense?.encoder).toBe(SENTENCE_ENCODER);
    for (const m of [models.categoryEn, models.reasonEn, models.sentimentEn]) expect(m.dense).toBeUndefined();
  });

  it('reads the plain complaints right with the vector too', async () => {
    const card = await withVector({ subject: 'Card stolen', body: 'My card was stolen yesterday and someone used it. Please block it now! I will contact my lawyer if this is not fixed.' });
    expect(card.intent.label).toMatch(/lost_or_stolen_card|compromised_card|card_payment_not_recognised/);
    expect(card.priority).toBe('P1');
    const shampoo = await withVector({ body: '买的洗发水是假货，用了头皮过敏，我要退款，不然就打12315投诉！' });
    expect(shampoo.category.label).toBe('洗发水');
    expect(shampoo.sentiment.label).toBe('negative');
    expect((await withVector({ body: '酒店房间很脏，前台服务员态度恶劣，隔音太差一晚上没睡好' })).category.label).toBe('酒店');
    expect((await withVector({ body: '水果收到的时候都烂了，苹果一点都不新鲜' })).category.label).toBe('水果');
    expect((await withVector({ body: '手机很好用，电池耐用，拍照清晰，非常满意' })).sentiment.label).toBe('positive');
  });

  it('the vector changes the reading where the n-grams are unsure', async () => {
    // A review without product words: the n-grams alone and the blend need not agree, and the blend's
    // confidence is its own (both sides calibrated on validation).
    const body = '很好，下次还会再来';
    const plain = triageText(models, { body });
    const blended = await withVector({ body });
    expect(blended.category.confidence).not.toBe(plain.category.confidence);
  });
});
