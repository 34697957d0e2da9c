import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIORITY_RULES, decidePriority, explainReason, findTerms, resolveRules, type PrioritySignals } from '../../../src/nlp/priority';

const calm: PrioritySignals = { text: 'Please update my address.', sentiment: { label: 'neutral', intensity: 0.1 }, intent: 'edit_personal_details' };

describe('priority rules', () => {
  it('stays at the base level without signals and says so', () => {
    expect(decidePriority(calm)).toEqual({ priority: 'P4', reasons: ['no_escalation_signal'] });
  });

  it('raises to P1 on a legal threat, in Chinese and English', () => {
    const zh = decidePriority({ ...calm, text: '再不处理我就找律师起诉你们' });
    expect(zh.priority).toBe('P1');
    expect(zh.reasons).toContain('legal_threat:律师,起诉');
    const en = decidePriority({ ...calm, text: 'My attorney will contact you.' });
    expect(en).toEqual({ priority: 'P1', reasons: ['legal_threat:attorney'] });
  });

  it('matches Latin terms on word boundaries only', () => {
    expect(findTerms('There is an issue with my account', ['sue'])).toEqual([]);
    expect(findTerms('I will sue.', ['sue'])).toEqual(['sue']);
  });

  it('raises to P1 on a regulator and to P2 on media exposure', () => {
    expect(decidePriority({ ...calm, text: '我要打12315投诉' }).reasons).toEqual(['regulator:12315']);
    expect(decidePriority({ ...calm, text: 'I filed with the CFPB' }).priority).toBe('P1');
    expect(decidePriority({ ...calm, text: '我会找媒体曝光' })).toEqual({ priority: 'P2', reasons: ['media_exposure:媒体,曝光'] });
  });

  it('raises to P2 for a vulnerable customer by tag', () => {
    const d = decidePriority({ ...calm, customerTags: ['Older American, Servicemember'] });
    expect(d).toEqual({ priority: 'P2', reasons: ['vulnerable_customer:Older American,Servicemember'] });
  });

  it('raises by the number of prior complaints', () => {
    expect(decidePriority({ ...calm, priorComplaints: 1 })).toEqual({ priority: 'P3', reasons: ['repeat_complaint:1'] });
    expect(decidePriority({ ...calm, priorComplaints: 4 }).priority).toBe('P2');
  });

  it('uses sentiment and intensity', () => {
    expect(decidePriority({ ...calm, sentiment: { label: 'negative', intensity: 0.3 } })).toEqual({ priority: 'P3', reasons: ['negative_sentiment:0.30'] });
    expect(decidePriority({ ...calm, sentiment: { label: 'negative', intensity: 0.9 } }).priority).toBe('P2');
  });

  it('raises urgent intents', () => {
    expect(decidePriority({ ...calm, intent: 'lost_or_stolen_card' })).toEqual({ priority: 'P2', reasons: ['urgent_intent:lost_or_stolen_card'] });
  });

  it('stacks several serious signals one level higher', () => {
    const d = decidePriority({
      text: 'I will go to the news',
      sentiment: { label: 'negative', intensity: 0.9 },
      intent: 'compromised_card',
      priorComplaints: 0,
    });
    expect(d.priority).toBe('P1');
    expect(d.reasons.at(-1)).toBe('combined_signals:3');
  });

  it('accepts overrides', () => {
    const rules = resolveRules({ media: { terms: ['微博'], raiseTo: 'P1' }, base: 'P3' });
    expect(decidePriority({ ...calm, text: '发微博' }, rules).priority).toBe('P1');
    expect(decidePriority(calm, rules).priority).toBe('P3');
    expect(DEFAULT_PRIORITY_RULES.base).toBe('P4');
  });

  it('explains codes in words', () => {
    expect(explainReason('legal_threat:律师')).toBe('threatens legal action: 律师');
  });
});
