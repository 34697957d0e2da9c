import { describe, expect, it } from 'vitest';
import { hanBigrams, normalizeText, segmentChinese, tokenizeChinese, tokenizeEnglish } from '../../../src/nlp/tokenize';

describe('English tokenisation', () => {
  it('stems with Porter and drops handles, links and CFPB masks', () => {
    const toks = tokenizeEnglish('@united My flights were CANCELLED on XX/XX/2019 by XXXX http://t.co/abc');
    expect(toks).toEqual(['my', 'flight', 'were', 'cancel', 'on', 'by']);
  });

  it('keeps emotion marks as tokens', () => {
    expect(tokenizeEnglish('worst service ever!!! 😡')).toEqual(['worst', 'servic', 'ever', '😡', '!']);
  });

  it('gives surface forms when stemming is off', () => {
    expect(tokenizeEnglish('Charged twice', false)).toEqual(['charged', 'twice']);
  });

  it('normalises money amounts', () => {
    expect(normalizeText('I paid {$21000.00} to XXXX XXXX')).toBe('i paid $ to');
  });
});

describe('Chinese tokenisation', () => {
  it('segments words with Intl.Segmenter', () => {
    const words = segmentChinese('快递太慢了，客服态度很差');
    expect(words).toContain('快递');
    expect(words).toContain('太慢');
    expect(words).toContain('态度');
    expect(words).not.toContain('，');
  });

  it('makes character bigrams inside Han runs only', () => {
    expect(hanBigrams('退款ok了吗')).toEqual(['退款', '了吗']);
  });

  it('adds an exclamation token for ！', () => {
    expect(tokenizeChinese('太差了！！')).toContain('!');
  });
});
