import { describe, expect, it } from 'vitest';
import { findClusters, jaccard, shingles } from '../../../src/analytics/near-duplicates';

describe('shingles and jaccard', () => {
  it('uses word pairs for English and character pairs for Chinese', () => {
    expect([...shingles('Card declined again')]).toEqual(['card declined', 'declined again', 'again']);
    expect([...shingles('快递没到')]).toEqual(['快递', '递没', '没到']);
  });

  it('computes |A∩B|/|A∪B|', () => {
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBeCloseTo(2 / 4, 12);
    expect(jaccard(new Set(), new Set(['a']))).toBe(0);
  });
});

describe('findClusters', () => {
  const outage = (id: string, customerId: string | null, tail = '') => ({ id, customerId, text: `The mobile app crashes on login since this morning update ${tail}` });

  it('groups near-identical complaints from three customers and ignores the rest', () => {
    const items = [outage('1', 'c1'), { id: '2', customerId: 'c9', text: 'Refund for order 55 never arrived' }, outage('3', 'c2', 'please fix'), outage('4', 'c3', 'again')];
    const clusters = findClusters(items);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.map((c) => c.id)).toEqual(['1', '3', '4']);
  });

  it('one customer repeating themselves is not a mass complaint', () => {
    expect(findClusters([outage('1', 'c1'), outage('2', 'c1'), outage('3', 'c1')])).toEqual([]);
  });

  it('clusters Chinese texts', () => {
    const zh = (id: string, c: string) => ({ id, customerId: c, text: '今天早上开始手机银行无法登录，一直提示系统错误' });
    expect(findClusters([zh('1', 'a'), zh('2', 'b'), zh('3', 'c')])[0]).toHaveLength(3);
  });
});
