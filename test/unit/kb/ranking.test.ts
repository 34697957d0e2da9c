import { describe, expect, it } from 'vitest';
import { anyTermQuery } from '../../../src/db/queries/kb';
import { complaintTerms, similarityQuery } from '../../../src/kb/knowledge-base';
import { Bm25Index, TfidfIndex } from '../../../src/kb/ranking';
import { measureRelevance, relevanceSetFromLabels } from '../../../src/kb/relevance';
import { searchTerms } from '../../../src/kb/terms';

const docs = [
  { id: 'refund', title: 'Where is my refund?', body: 'Refunds go back to the original card within ten business days.' },
  { id: 'late', title: 'Parcel late', body: 'No tracking scan for three days: we reship or refund.' },
  { id: 'zh-late', title: '快递迟迟未到', body: '物流三天没有更新按丢件处理，补发或退款。' },
];

describe('search terms', () => {
  it('stems English without stopwords, and gives Chinese words plus character bigrams', () => {
    expect(searchTerms('The refunds were delayed')).toEqual(['refund', 'delai']);
    const zh = searchTerms('快递没到');
    expect(zh).toContain('快递');
    expect(zh.some((t) => t.startsWith('递没'))).toBe(true);
    expect(searchTerms('iPhone 快递')).toEqual(expect.arrayContaining(['iphon', '快递']));
  });

  it('a complaint keeps each term once, and its query puts keywords first', () => {
    expect(complaintTerms('refund refund refunds')).toEqual(['refund']);
    expect(similarityQuery(['parcel'], ['late', 'parcel'])).toEqual(['parcel', 'late']);
  });

  it('quotes every term of a tsquery so complaint text cannot change the query', () => {
    expect(anyTermQuery(["o'brien", 'a\\b', '快递'])).toBe("'o''brien' | 'a\\\\b' | '快递'");
  });
});

describe('BM25 and TF-IDF', () => {
  it('rank the answering article first, in either language, and honour a filter', () => {
    const bm25 = new Bm25Index(docs);
    expect(bm25.search('my refund has not arrived on my card', 3)[0]!.id).toBe('refund');
    expect(bm25.search('快递一直没到', 3)[0]!.id).toBe('zh-late');
    expect(bm25.search('parcel refund', 3, (id) => id !== 'late').map((h) => h.id)).not.toContain('late');
    expect(bm25.search('nothing matches xyzzy', 3)).toEqual([]);
  });

  it('TF-IDF similarity is 0..1, excludes the document itself, and is high for a near copy', () => {
    const index = new TfidfIndex(docs);
    const copy = { id: 'copy', title: 'Where is my refund?', body: 'Refunds go back to the original card within ten business days.' };
    const [best] = new TfidfIndex([...docs, copy]).nearest(copy, 1);
    expect(best).toMatchObject({ id: 'refund' });
    expect(best!.score).toBeGreaterThan(0.9);
    expect(best!.score).toBeLessThanOrEqual(1.0000001);
    expect(index.nearest(docs[0]!, 3).map((h) => h.id)).not.toContain('refund');
  });
});

describe('relevance measurement', () => {
  it('builds one article per label from part of its texts and scores held-out queries', () => {
    const rows = ['card arrival late', 'card not arrived yet', 'where is my new card', 'card still not delivered'].map((text) => ({ text, label: 'card_arrival' }));
    rows.push(...['cash withdrawal fee charged', 'atm charged me a fee', 'fee for taking cash out', 'why a withdrawal fee'].map((text) => ({ text, label: 'cash_fee' })));
    const set = relevanceSetFromLabels('tiny', rows, { seed: 1, querySharePerLabel: 0.25 });
    expect(set.articles.map((a) => a.title)).toEqual(['Card arrival', 'Cash fee']);
    expect(set.queries).toHaveLength(2);
    const figures = measureRelevance(new Bm25Index(set.articles), set);
    expect(figures).toMatchObject({ queries: 2, articles: 2 });
    expect(figures.recallAt3).toBe(1);
    expect(figures.mrrAt10).toBeGreaterThan(0.5);
  });
});
