import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Figure {
  section: string;
  name: string;
  value: number | string;
  unit: string;
  /** e.g. "≥ 0.8"; empty when the figure is context for another one. */
  target: string;
  met?: boolean;
  note?: string;
}

export interface BenchReport {
  mode: 'quick' | 'full';
  startedAt: string;
  /** Short hash of HEAD, `+dirty` when tracked files differ from it. */
  commit: string;
  totalSeconds: number;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string; loadAverage?: number[] };
  settings: Record<string, unknown>;
  figures: Figure[];
  details: Record<string, unknown>;
}

const cell = (f: Figure): string => (f.met === undefined ? '' : f.met ? 'yes' : '**no**');

/** The Markdown twin of the JSON report: the figures table first, then how they were obtained. */
export function toMarkdown(r: BenchReport): string {
  const lines = [
    `# Benchmark (${r.mode} mode), ${r.startedAt} (commit ${r.commit})`,
    '',
    `${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}${r.machine.loadAverage ? `, load average ${r.machine.loadAverage.join(' ')} at the start` : ''}; took ${r.totalSeconds} s.`,
    r.mode === 'quick' ? 'Quick mode: short runs and reads at 100k rows only; the full run (`npm run bench`) adds 1M rows and longer runs.' : '',
    '',
    '| section | figure | measured | target | met | note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.figures.map((f) => `| ${f.section} | ${f.name} | ${f.value} ${f.unit} | ${f.target} | ${cell(f)} | ${f.note ?? ''} |`),
    '',
    '## Settings',
    '',
    '```json',
    JSON.stringify(r.settings, null, 2),
    '```',
    '',
    'Every detail (latency percentiles, history event types per complaint, per-source classification rates) is in the JSON report beside this file.',
    '',
  ];
  return lines.join('\n');
}

/** Writes `<stamp>-<mode>.json` and `.md` under bench/results; returns their paths. */
export function writeReport(dir: string, r: BenchReport): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const base = path.join(dir, `${stamp}-${r.mode}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(`${base}.md`, toMarkdown(r));
  return { json: `${base}.json`, md: `${base}.md` };
}
