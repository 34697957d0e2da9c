import { describe, expect, it } from 'vitest';
import { compileRules, loadTriageRules, type TriageRules } from '../../src/triage/rules';

const rules = compileRules(loadTriageRules());

describe('keyword triage rules', () => {
  it('matches English keywords as whole words, case-insensitively', () => {
    expect(rules.evaluate('I was CHARGED twice').category?.label).toBe('billing');
    // "billboard" must not match "bill"
    expect(rules.evaluate('I saw it on a billboard').category).toBeUndefined();
  });

  it('matches Chinese keywords as substrings', () => {
    expect(rules.evaluate('快递三天了还没发货').category?.label).toBe('delivery');
    expect(rules.evaluate('收到的商品有质量问题，屏幕坏了').category?.label).toBe('product_quality');
  });

  it('the category with most distinct keyword hits wins', () => {
    const v = rules.evaluate('The package was delivered damaged and broken, defective');
    expect(v.category).toMatchObject({ label: 'product_quality', hits: ['broken', 'defective', 'damaged'] });
  });

  it('threats of legal action or media exposure raise priority to P1, with the reason', () => {
    expect(rules.evaluate('I will contact my lawyer').priority).toMatchObject({ level: 'P1', reason: 'legal_or_media_threat', hits: ['lawyer'] });
    expect(rules.evaluate('再不处理我就打12315投诉，找媒体曝光').priority).toMatchObject({ level: 'P1', hits: ['12315', '媒体', '曝光'] });
  });

  it('first matching priority rule wins; no match leaves the default', () => {
    expect(rules.evaluate('this is a scam and I will sue').priority?.level).toBe('P1');
    expect(rules.evaluate('this is a scam').priority?.level).toBe('P2');
    expect(rules.evaluate('hello').priority).toBeUndefined();
    expect(rules.evaluate('hello').defaultPriority).toBe('P3');
  });

  it('keyword characters are literal, not regular expressions', () => {
    const r: TriageRules = { modelCategories: {}, categories: [{ category: 'x', keywords: ['a.b'] }], priority: { default: 'P4', rules: [] } };
    expect(compileRules(r).evaluate('axb').category).toBeUndefined();
    expect(compileRules(r).evaluate('see a.b now').category?.label).toBe('x');
  });
});
