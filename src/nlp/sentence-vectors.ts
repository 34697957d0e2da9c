import { labelledRowsFromCsv } from './csv';
import type { Embedder } from './embedding';

/**
 * One sentence vector per text, each distinct text embedded once, in order of first appearance
 * (the encoder's int8 graph quantises per run, so a vector depends slightly on its batch: a fixed
 * order keeps training byte-reproducible).
 */
export async function sentenceVectors(embedder: Embedder, texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
  const unique = [...new Set(texts)];
  const byText = new Map<string, Float32Array>();
  const chunk = 512;
  for (let i = 0; i < unique.length; i += chunk) {
    const part = unique.slice(i, i + chunk);
    const vectors = await embedder.embed(part);
    part.forEach((t, j) => byText.set(t, vectors[j]!));
    onProgress?.(Math.min(unique.length, i + chunk), unique.length);
  }
  return texts.map((t) => byText.get(t)!);
}

/**
 * The vector of every non-empty text in one column of a CSV (whatever the labels), embedded in file
 * order: `train:all` and `train --recipe` get the same vectors whichever model asks.
 */
export async function columnSentenceVectors(embedder: Embedder, csv: string, column: string, onProgress?: (done: number, total: number) => void): Promise<Map<string, Float32Array>> {
  const texts = [...new Set(labelledRowsFromCsv(csv, column, column).map((r) => r.text))];
  const vectors = await sentenceVectors(embedder, texts, onProgress);
  return new Map(texts.map((t, i) => [t, vectors[i]!]));
}
