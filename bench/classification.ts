import { spawn } from 'node:child_process';
import path from 'node:path';
import { round } from './load';
import { ROOT } from './stack';

export interface ClassificationFigures {
  textsPerSecond: number;
  texts: number;
  seconds: number;
  /** Each source timed for an equal share of the time; the overall rate is their texts over their time. */
  groups: Array<{ source: string; texts: number; meanChars: number; seconds: number; textsPerSecond: number }>;
  loadMs: number;
  /** The process before loading (Node + tsx) and with all models loaded, after a GC. */
  rssBaseMb: number;
  rssLoadedMb: number;
  rssAfterMb: number;
}

/** Triage throughput on one core and the RSS of a process holding all shipped models. */
export async function benchClassification(durationS: number): Promise<ClassificationFigures> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'bench', 'classify-child.ts'), String(durationS)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`classification child exited with ${code}`);
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as ClassificationFigures;
  return { ...r, textsPerSecond: Math.round(r.textsPerSecond), seconds: round(r.seconds, 2), loadMs: Math.round(r.loadMs), rssBaseMb: Math.round(r.rssBaseMb), rssLoadedMb: Math.round(r.rssLoadedMb), rssAfterMb: Math.round(r.rssAfterMb) };
}
