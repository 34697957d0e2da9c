/**
 * Fuzzes the running API against its own OpenAPI document with schemathesis (pinned, from the Python
 * package index, installed into .tools/fuzz-venv): starts the whole service on free ports and a fresh
 * data directory, runs at least 2,000 generated requests, and fails on any 5xx, any response that breaks
 * its documented schema, status code or content type.
 *
 *   npm run fuzz:api [-- --max-examples 80 --seed 42]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../embedded/temporal-dev-server';
import { ensurePythonTool } from '../embedded/tools';

const SCHEMATHESIS = 'schemathesis==4.32.5';
const MIN_CASES = 2000;
const CHECKS = 'not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance';

const { values } = parseArgs({ options: { 'max-examples': { type: 'string', default: '80' }, seed: { type: 'string', default: '42' } } });

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the service did not become ready at ${url} within ${timeoutMs / 1000} s`);
}

/**
 * Schemathesis closes on a pytest-style banner ("==== 3 warnings in 62.90s ===="). CI readers take such a
 * line for pytest's closing line and would count a fuzz run as "no test executed", so the banners are
 * printed as plain headings, and a closing count's "in 62.90s" as "(62.90 s)"; nothing else changes.
 */
function withoutPytestBanners(report: string): string {
  return report.replace(/^=+ (.+?) =+$/gm, (_, heading: string) => `[schemathesis] ${heading.replace(/ in ([\d.]+)s$/, ' ($1 s)')}`);
}

async function main(): Promise<number> {
  const st = ensurePythonTool(process.cwd(), 'fuzz-venv', SCHEMATHESIS, 'st');
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fuzz-'));
  // The service itself, as `npm start` runs it; the rate limit is lifted so the fuzzer measures answers, not 429s.
  // Its data directory is thrown away, so a random audit key of its own serves.
  const service = spawn(process.execPath, [...process.execArgv, 'src/cli/start.ts'], {
    env: { ...process.env, AUDIT_KEY: randomBytes(32).toString('base64url'), PORT: String(port), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitReady(`${base}/readyz`, 180_000);
    // Examples and fuzzing phases; the coverage phase of this schemathesis version crashes on some schemas.
    const args = ['run', `${base}/openapi.json`, '-H', 'Authorization: Bearer dev-admin', '--checks', CHECKS, '--max-examples', values['max-examples'], '--seed', values.seed, '--workers', '2', '--request-timeout', '30', '--phases', 'examples,fuzzing', '--no-color'];
    const run = spawnSync(st, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    process.stdout.write(withoutPytestBanners(run.stdout));
    process.stderr.write(run.stderr);
    const generated = Number(/(\d+) generated/.exec(run.stdout)?.[1] ?? 0);
    console.log(`\nfuzz:api — ${generated} generated requests (minimum ${MIN_CASES}); schemathesis exit code ${run.status}`);
    if (generated < MIN_CASES) {
      console.error(`fewer than ${MIN_CASES} requests were generated: raise --max-examples`);
      return 1;
    }
    return run.status ?? 1;
  } finally {
    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
