import { beforeAll, describe, expect, it } from 'vitest';
import { extractKeywords, scoreTerms } from '../../../src/nlp/keywords';
import { splitSentences, summarize, truncate } from '../../../src/nlp/summary';
import { loadModels, type TriageModels } from '../../../src/nlp/triage';

let models: TriageModels;
beforeAll(async () => {
  models = await loadModels();
});

const EN =
  'I have been a customer for ten years. On XX/XX/2019 my mortgage payment was applied late by the servicer and a late fee was charged. ' +
  'The servicer refused to reverse the late fee even though I sent proof of the payment. Thank you.';
const ZH = '我在店里买的热水器用了三天就漏水了。联系客服要求退货，客服一直推诿不处理。这是我第一次买这个牌子。';

describe('keywords', () => {
  it('finds the topical words of an English complaint, not stopwords or masks', () => {
    const kw = extractKeywords(EN, 'en', models.categoryEn, 5);
    expect(kw).toHaveLength(5);
    expect(kw).toEqual(expect.arrayContaining(['servicer', 'late']));
    expect(kw.some((k) => ['the', 'xxxx', 'and', 'was'].includes(k))).toBe(false);
  });

  it('finds the topical words of a Chinese complaint', () => {
    const kw = extractKeywords(ZH, 'zh', models.categoryZh, 5);
    expect(kw).toContain('漏水');
    expect(kw.some((k) => k.startsWith('热水'))).toBe(true);
    expect(kw).not.toContain('我在');
  });
});

describe('summary', () => {
  it('picks the sentence that carries the complaint (English)', () => {
    const s = summarize(EN, scoreTerms(EN, 'en', models.categoryEn));
    expect(s).toMatch(/late fee/);
    expect(s).not.toMatch(/XX\/XX/);
    expect(s.length).toBeLessThanOrEqual(120);
  });

  it('picks the sentence that carries the complaint (Chinese)', () => {
    const s = summarize(ZH, scoreTerms(ZH, 'zh', models.categoryZh), 60);
    expect(s).toMatch(/漏水|退货/);
  });

  it('splits Chinese and English sentences', () => {
    expect(splitSentences('第一句。第二句！Third one? Fourth.')).toEqual(['第一句。', '第二句！', 'Third one?', 'Fourth.']);
  });

  it('truncates at a word boundary with an ellipsis', () => {
    expect(truncate('the quick brown fox jumps over the lazy dog', 20)).toBe('the quick brown fox…');
    expect(truncate('短句', 10)).toBe('短句');
  });
});
