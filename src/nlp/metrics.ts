/** Per-class figures in an {@link Evaluation}. */
export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Accuracy, macro-F1, per-class precision/recall and the confusion matrix (rows = gold). */
export interface Evaluation {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  labels: string[];
  confusion: number[][];
}

/**
 * Scores predictions against gold labels. Macro-F1 averages over every label that occurs in the
 * gold set or the predictions (as scikit-learn does), so predicting a rare class wrongly costs.
 */
export function evaluate(gold: string[], predicted: string[]): Evaluation {
  const labels = [...new Set([...gold, ...predicted])].sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] as string;
    if (g === p) correct++;
    const row = confusion[at.get(g) as number] as number[];
    const c = at.get(p) as number;
    row[c] = (row[c] as number) + 1;
  });
  const perClass = labels.map((label, i) => {
    const tp = confusion[i]?.[i] ?? 0;
    const support = (confusion[i] ?? []).reduce((a, b) => a + b, 0);
    const predictedN = confusion.reduce((a, row) => a + (row[i] ?? 0), 0);
    const precision = predictedN ? tp / predictedN : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const macroF1 = perClass.length ? perClass.reduce((a, c) => a + c.f1, 0) / perClass.length : 0;
  return { n: gold.length, accuracy: gold.length ? correct / gold.length : 0, macroF1, perClass, labels, confusion };
}

/** A plain-text report: headline figures, per-class table and confusion matrix. */
export function formatEvaluation(e: Evaluation): string {
  const lines = [`n=${e.n}  accuracy=${e.accuracy.toFixed(4)}  macro-F1=${e.macroF1.toFixed(4)}`, ''];
  const w = Math.min(40, Math.max(5, ...e.labels.map((l) => l.length)));
  lines.push(`${'label'.padEnd(w)}  precision  recall  f1      support`);
  for (const c of e.perClass) {
    lines.push(
      `${c.label.slice(0, w).padEnd(w)}  ${c.precision.toFixed(3).padStart(9)}  ${c.recall.toFixed(3).padStart(6)}  ${c.f1.toFixed(3).padStart(6)}  ${String(c.support).padStart(7)}`,
    );
  }
  lines.push('', 'confusion matrix (rows = gold, columns = predicted, in label order above):');
  const cell = Math.max(4, ...e.confusion.flat().map((v) => String(v).length + 1));
  e.labels.forEach((l, i) => {
    const row = (e.confusion[i] ?? []).map((v) => String(v).padStart(cell)).join('');
    lines.push(`${String(i).padStart(3)} ${l.slice(0, 24).padEnd(24)}${row}`);
  });
  return lines.join('\n');
}
