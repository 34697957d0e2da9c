/**
 * Fuzzes the running API against its own OpenAPI document with schemathesis (pinned, from the Python
 * package index, installed into .tools/fuzz-venv): starts the whole service on free ports and a fresh
 * data directory, runs at least 2,000 generated requests, and fails on any 5xx, any response that breaks
 * its documented schema, status code or content type. Every guarded operation is called with a token whose
 * role it admits (read from the document's `x-roles`; admin where it may), so none is fuzzed only up to
 * its 401 or 403.
 *
 *   npm run fuzz:api [-- --max-examples 80 --seed 42]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensurePythonTool } from '../embedded/tools';
import { startServiceProcess } from './service-process';

const SCHEMATHESIS = 'schemathesis==4.32.5';
const MIN_CASES = 2000;
const CHECKS = 'not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance';

const { values } = parseArgs({ options: { 'max-examples': { type: 'string', default: '80' }, seed: { type: 'string', default: '42' } } });

/**
 * Schemathesis closes on a pytest-style banner ("==== 3 warnings in 62.90s ===="). CI readers take such a
 * line for pytest's closing line and would count a fuzz run as "no test executed", so the banners are
 * printed as plain headings, and a closing count's "in 62.90s" as "(62.90 s)"; nothing else changes.
 */
function withoutPytestBanners(report: string): string {
  return report.replace(/^=+ (.+?) =+$/gm, (_, heading: string) => `[schemathesis] ${heading.replace(/ in ([\d.]+)s$/, ' ($1 s)')}`);
}

/** Roles in the order the fuzzer prefers them: the widest view first. */
const ROLE_PREFERENCE = ['admin', 'supervisor', 'auditor', 'integrator', 'agent'];

type OpenApi = { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };

/** `METHOD /path` → the dev token of the preferred role the operation admits (none for public and signed ones). */
function tokensPerOperation(doc: OpenApi): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const role = ROLE_PREFERENCE.find((r) => op['x-roles']?.includes(r));
      if (role) out[`${method.toUpperCase()} ${p}`] = `dev-${role}`;
    }
  }
  return out;
}

/** A schemathesis hooks module that sets each operation's own token (no caching: tokens differ per operation). */
const authHooks = (tokens: Record<string, string>): string => `import json
import schemathesis

TOKENS = json.loads(${JSON.stringify(JSON.stringify(tokens))})


@schemathesis.auth(refresh_interval=None)
class PerOperationToken:
    def get(self, case, ctx):
        return TOKENS.get(f"{case.operation.method.upper()} {case.operation.path}")

    def set(self, case, data, ctx):
        if data:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
`;

async function main(): Promise<number> {
  const st = ensurePythonTool(process.cwd(), 'fuzz-venv', SCHEMATHESIS, 'st');
  // The service itself, as `npm start` runs it; the rate limit is lifted so the fuzzer measures answers, not 429s.
  const service = await startServiceProcess({ RATE_LIMIT_PER_MINUTE: '1000000', AUTH_FAILURES_PER_MINUTE: '1000000' });
  try {
    const base = service.base;
    // Examples and fuzzing phases; the coverage phase of this schemathesis version crashes on some schemas.
    const tokens = tokensPerOperation((await (await fetch(`${base}/openapi.json`)).json()) as OpenApi);
    const hooksDir = mkdtempSync(path.join(tmpdir(), 'fuzz-hooks-'));
    writeFileSync(path.join(hooksDir, 'fuzz_tokens.py'), authHooks(tokens));
    const byRole = Object.values(tokens).reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});
    console.log(`fuzz:api — tokens per operation: ${Object.entries(byRole).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    const args = ['run', `${base}/openapi.json`, '--checks', CHECKS, '--max-examples', values['max-examples'], '--seed', values.seed, '--workers', '2', '--request-timeout', '30', '--phases', 'examples,fuzzing', '--no-color'];
    const run = spawnSync(st, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SCHEMATHESIS_HOOKS: 'fuzz_tokens', PYTHONPATH: hooksDir } });
    rmSync(hooksDir, { recursive: true, force: true });
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
    await service.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
