import { describe, expect, it } from 'vitest';
import { detectLanguage, dominantLanguage } from '../../../src/nlp/language';

describe('detectLanguage', () => {
  it('detects Chinese, English and mixed text', () => {
    expect(detectLanguage('我买的手机屏幕坏了，要求退货')).toBe('zh');
    expect(detectLanguage('My card was charged twice for the same purchase')).toBe('en');
    expect(detectLanguage('我的 order 一直没有 delivered, please help me check the status now')).toBe('mixed');
  });

  it('treats a product name inside Chinese as Chinese', () => {
    expect(detectLanguage('这个iPhone的电池用了两天就坏了，太失望了')).toBe('zh');
  });

  it('ignores CFPB masks and falls back to English for no letters', () => {
    expect(detectLanguage('XXXX XXXX 信用卡被盗刷了')).toBe('zh');
    expect(detectLanguage('12345 !!!')).toBe('en');
  });

  it('picks the dominant script of a mixed text', () => {
    expect(dominantLanguage('退款 refund 退款退款退款退款')).toBe('zh');
    expect(dominantLanguage('refund my money now please 退款')).toBe('en');
  });
});
