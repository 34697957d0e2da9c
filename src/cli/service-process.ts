import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../embedded/temporal-dev-server';

export interface ServiceProcess {
  /** The API's base URL, e.g. http://127.0.0.1:41234. */
  base: string;
  /** Stops the service (SIGTERM, as Ctrl-C) and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * The whole service as `npm start` runs it, on free ports and a fresh data directory, for the runs that
 * drive it from outside over HTTP (the fuzzer, the hostile run). Resolves once /readyz answers.
 */
export async function startServiceProcess(env: Record<string, string>, readyTimeoutMs = 180_000): Promise<ServiceProcess> {
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'service-'));
  const service = spawn(process.execPath, [...process.execArgv, 'src/cli/start.ts'], {
    env: { ...process.env, PORT: String(port), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  const exited = new Promise((r) => service.once('exit', r));
  const stop = async (): Promise<void> => {
    if (service.exitCode === null && service.signalCode === null) service.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await fetch(`${base}/readyz`).then((r) => r.ok, () => false))) {
    if (service.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(service.exitCode !== null ? `the service exited with ${service.exitCode} before it was ready` : `the service did not become ready at ${base} within ${readyTimeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { base, stop };
}
