import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('importing src/nlp', () => {
  it('prints nothing to stdout (natural storage back ends and dotenv banners stay out)', () => {
    const script = "const m = await import('./src/nlp/index.ts'); await m.loadModels(); process.stderr.write('loaded');";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });

  it("does not load natural's package index or any database driver", () => {
    const script =
      "await import('./src/nlp/index.ts'); const { createRequire } = await import('node:module'); const req = createRequire(import.meta.url);" +
      "const loaded = Object.keys(req.cache).filter((k) => /natural[\\\\/]lib[\\\\/]natural[\\\\/]index|[\\\\/](pg|mongoose|redis|dotenv)[\\\\/]/.test(k)); process.stdout.write(JSON.stringify(loaded));";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });
});
