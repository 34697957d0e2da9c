/**
 * Builds test/fixtures/use-parity-texts.json, the texts of the tokenizer and vector parity test:
 * real zh and en customer texts from the shared data, deterministic zh/en mixtures of them, and
 * hand-written edge cases (whitespace, NUL, full-width forms, user-defined symbols, scripts the
 * normaliser rewrites). Run once when the fixture should change; the test itself never reads
 * the shared data.
 *
 *   npx tsx scripts/build-use-fixture.ts [--data ../shared/data]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsvRecords } from '../src/nlp/csv';
import { createRng, shuffleInPlace } from '../src/nlp/prng';

const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' } } });
const rng = createRng(19);

function pick(file: string, column: string, n: number, maxChars: number): string[] {
  const { records } = parseCsvRecords(readFileSync(join(values.data, file), 'utf8'));
  const texts = records.map((r) => r[column] ?? '').filter((t) => t.trim() !== '');
  return shuffleInPlace(texts, rng).slice(0, n).map((t) => t.slice(0, maxChars));
}

const zh = pick('shopping_reviews_zh.csv', 'review', 420, 2000);
const en = [
  ...pick('banking77_intents_en.csv', 'text', 160, 2000),
  ...pick('airline_tweets_en.csv', 'text', 160, 2000),
  ...pick('cfpb_complaints_en.csv', 'narrative', 100, 2500),
];
const mixed: string[] = [];
for (let i = 0; i < 260; i++) {
  const a = zh[Math.floor(rng() * zh.length)]!.slice(0, 120);
  const b = en[Math.floor(rng() * en.length)]!.slice(0, 160);
  const joiners = [' ', '', '，', '. ', '\n', '  \t', '（', ' - '];
  const j = joiners[i % joiners.length]!;
  mixed.push(i % 2 === 0 ? `${a}${j}${b}` : `${b}${j}${a}`);
}
const edge = [
  '', ' ', '   \t\n  ', 'a', '我', '▁', '▁▁hello', 'hello\u0000world', '\u0000',
  'extra_token_id_1', 'see extra_token_id_2 and extra_token_id_3extra_token_id_1',
  'ＡＢＣ１２３，全角。（括号）', 'ﬁnance ﬂight ½ ① Ⅻ ㈱ ㍻ ™ ℃', 'ｶﾀｶﾅ ﾊﾟﾝ', 'e\u0301te\u0301 cafe\u0301 naïve',
  '\u00a0non\u00a0breaking\u3000ideographic space', 'zero\u200bwidth\u200djoiner\u00adsoft', '😀👍🏽 emoji 🇨🇳 👨‍👩‍👧',
  '𠀀𠀁 astral CJK 𪚥', '한국어 고객 불만입니다', '日本語のクレームです。', 'Жалоба клиента', 'شكوى العميل', 'शिकायत',
  'ÀÉÎÕÜ àéîõü ß ẞ', 'TAB\there\r\nCRLF', 'UPPER lower MiXeD', '12,345.67 $ ¥100 €5', 'http://example.com/a?b=c&d=e',
  'a'.repeat(300), '哈'.repeat(500), '!!!???...,,,', '\u2028line\u2029para', '\ufeffBOM first', '\ud83d\ude00'.repeat(40),
  'x\u0300\u0301\u0302 combining', 'Ǆ ǅ ǆ Ĳ ĳ', '⁰¹²³ ₀₁₂', '〜～ー—―', '「引号」『书名』【括号】',
];
// Lone surrogates become U+FFFD, as Buffer.from does, so Python receives the same text.
const texts = [...zh, ...en, ...mixed, ...edge].map((t) => Buffer.from(t, 'utf8').toString('utf8'));
writeFileSync('test/fixtures/use-parity-texts.json', `${JSON.stringify({ zh: zh.length, en: en.length, mixed: mixed.length, edge: edge.length, texts }, null, 0)}\n`);
console.log(`${texts.length} texts: ${zh.length} zh, ${en.length} en, ${mixed.length} mixed, ${edge.length} edge cases`);
