import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsvRecords } from '../src/nlp/csv';

/** Complaints in both languages and across the categories, for request bodies and when no data is at hand. */
export const SAMPLE_TEXTS: readonly string[] = [
  'I was charged twice for order 1001 and want a refund of the duplicate payment.',
  'The parcel never arrived and tracking has not moved for a week.',
  'The blender stopped working after two days, the motor smells burnt.',
  'Your support agent hung up on me twice and nobody called back.',
  'I cannot log in to my account since the password reset, the code never comes.',
  'The invoice shows a late fee although I paid on time, please remove it.',
  'Delivery driver left the box in the rain and the contents are ruined.',
  'If this is not fixed by Friday I will contact my lawyer and the newspaper.',
  '我的订单重复扣款了两次，请尽快退款。',
  '快递一周都没到，物流信息一直没有更新。',
  '收到的手机屏幕有裂痕，质量太差了，要求换货。',
  '客服态度很差，电话打了三次都没人处理。',
  '账户被冻结了，无法登录，也收不到验证码。',
  '发票金额不对，多收了运费，请核实。',
  '包裹被放在门口丢失了，快递员不承认。',
  'The app keeps crashing when I try to pay, 付款页面一直闪退。',
];

const TEXT_COLUMNS = ['text', 'review', 'narrative', 'body', 'content'];

export interface TextGroup {
  source: string;
  texts: string[];
}

/**
 * Texts from the CSV files of ../shared/data (the first text-like column of each, up to `perFile`), one
 * group per file, plus the built-in sample; the built-in sample alone when that folder has none.
 */
export function benchTexts(root: string, perFile = 5000): TextGroup[] {
  const dir = path.resolve(root, '..', 'shared', 'data');
  const groups: TextGroup[] = [];
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
      const { columns, records } = parseCsvRecords(readFileSync(path.join(dir, file), 'utf8'));
      const column = TEXT_COLUMNS.find((c) => columns.includes(c));
      const texts = column ? records.map((r) => r[column] ?? '').filter((t) => t.trim().length > 0).slice(0, perFile) : [];
      if (texts.length > 0) groups.push({ source: `../shared/data/${file}`, texts });
    }
  }
  // The built-in texts are short complaints in both languages, as the intake bench sends them.
  return [...groups, { source: 'built-in sample (bench/sample-texts.ts)', texts: [...SAMPLE_TEXTS] }];
}
