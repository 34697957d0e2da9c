import type { Embedder } from './encoder';

/**
 * An embedder that remembers each text's vector, so an evaluation over several seeds embeds its
 * test texts once. Texts not yet seen are embedded together in the inner embedder's batches.
 */
export function cachingEmbedder(inner: Embedder): Embedder {
  const cache = new Map<string, Float32Array>();
  return {
    dimension: inner.dimension,
    async embed(texts) {
      const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        missing.forEach((t, i) => cache.set(t, vectors[i]!));
      }
      return texts.map((t) => cache.get(t)!);
    },
    release: () => inner.release(),
  };
}
