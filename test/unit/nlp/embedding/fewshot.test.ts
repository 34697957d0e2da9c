import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useModelFiles } from '../../../../src/embedded/use-model';
import { loadEmbedder, type Embedder } from '../../../../src/nlp/embedding';
import { loadFewShot, sampleShots, trainFewShot, type LabelledText } from '../../../../src/nlp/fewshot';

const root = path.resolve(__dirname, '../../../..');
const files = useModelFiles(root);
const haveModel = existsSync(files.model) && existsSync(files.sentencepiece);
if (!haveModel) console.warn('[fewshot] SKIPPED: .tools/use has no model files; run `npm run setup`');

// A tiny bilingual taxonomy, written by hand: each side's examples in one language only.
const EN: LabelledText[] = [
  { label: 'delivery', text: 'My parcel has not arrived after two weeks' },
  { label: 'delivery', text: 'The courier lost my package' },
  { label: 'delivery', text: 'Tracking says delivered but nothing came' },
  { label: 'refunds', text: 'I returned the item and still have no refund' },
  { label: 'refunds', text: 'Please give me my money back for the cancelled order' },
  { label: 'refunds', text: 'The refund was promised a month ago' },
  { label: 'account_access', text: 'I cannot log in to my account' },
  { label: 'account_access', text: 'The password reset email never comes' },
  { label: 'account_access', text: 'My account is locked and I cannot sign in' },
  { label: 'service_attitude', text: 'The agent was rude and hung up on me' },
  { label: 'service_attitude', text: 'Your staff shouted at me in the store' },
  { label: 'service_attitude', text: 'Customer service was impolite and dismissive' },
];
const ZH: LabelledText[] = [
  { label: 'delivery', text: '快递两个星期了还没到' },
  { label: 'delivery', text: '快递员把我的包裹弄丢了' },
  { label: 'delivery', text: '物流显示已签收但我没收到' },
  { label: 'refunds', text: '退货后一直没有退款' },
  { label: 'refunds', text: '订单取消了，请把钱退给我' },
  { label: 'refunds', text: '一个月前就答应退款了' },
  { label: 'account_access', text: '我登录不了我的账号' },
  { label: 'account_access', text: '重置密码的邮件一直收不到' },
  { label: 'account_access', text: '账户被锁定，无法登录' },
  { label: 'service_attitude', text: '客服态度恶劣，还挂我电话' },
  { label: 'service_attitude', text: '店员在店里对我大吼大叫' },
  { label: 'service_attitude', text: '客服很不礼貌，敷衍了事' },
];
const ZH_QUERIES: LabelledText[] = [
  { label: 'delivery', text: '我买的东西到现在都没送到，物流也不更新' },
  { label: 'refunds', text: '退款申请提交十天了，钱还没到账' },
  { label: 'account_access', text: '手机号换了以后就登不进账户了' },
  { label: 'service_attitude', text: '电话里的客服人员非常没有耐心，态度很差' },
];
const EN_QUERIES: LabelledText[] = [
  { label: 'delivery', text: 'Where is my order? It was supposed to arrive last Monday' },
  { label: 'refunds', text: 'I returned the shoes two weeks ago and still have not received my refund' },
  { label: 'account_access', text: 'After changing my phone I am unable to access my account' },
  { label: 'service_attitude', text: 'The person on the phone was extremely rude to me' },
];

describe.skipIf(!haveModel)('few-shot classifier', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await loadEmbedder(files);
  });
  afterAll(() => embedder?.release());

  it('English examples classify Chinese complaints', async () => {
    const model = await trainFewShot(EN, embedder);
    const predictions = await model.predict(ZH_QUERIES.map((q) => q.text));
    expect(predictions.map((p) => p.label)).toEqual(ZH_QUERIES.map((q) => q.label));
  });

  it('Chinese examples classify English complaints', async () => {
    const model = await trainFewShot(ZH, embedder);
    const predictions = await model.predict(EN_QUERIES.map((q) => q.text));
    expect(predictions.map((p) => p.label)).toEqual(EN_QUERIES.map((q) => q.label));
  });

  it('gives probabilities: scores sum to 1, confidence is the top score, a fitted temperature', async () => {
    const model = await trainFewShot([...EN, ...ZH], embedder);
    const [p] = await model.predict(['包裹丢了']);
    const sum = Object.values(p!.scores).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 6);
    expect(p!.confidence).toBe(Math.max(...Object.values(p!.scores)));
    expect(p!.label).toBe('delivery');
    const json = model.toJSON() as { temperature: number };
    expect(json.temperature).not.toBe(1);
  });

  it('saves and reloads to the same version and predictions', async () => {
    const model = await trainFewShot(EN, embedder, { seed: 3 });
    const again = loadFewShot(JSON.parse(JSON.stringify(model.toJSON())), embedder);
    expect(again.version).toBe(model.version);
    expect(again.labels).toEqual(['account_access', 'delivery', 'refunds', 'service_attitude']);
    const texts = ZH_QUERIES.map((q) => q.text);
    expect(await again.predict(texts)).toEqual(await model.predict(texts));
    const other = await trainFewShot(ZH, embedder, { seed: 3 });
    expect(other.version).not.toBe(model.version);
  });

  it('samples N shots per label, seeded', () => {
    const a = sampleShots([...EN, ...ZH], 2, 1);
    expect(a).toHaveLength(8);
    expect(new Set(a.map((r) => r.label)).size).toBe(4);
    expect(sampleShots([...EN, ...ZH], 2, 1)).toEqual(a);
    expect(sampleShots([...EN, ...ZH], 10, 1)).toHaveLength(24);
  });
});
