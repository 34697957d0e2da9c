import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseApiTokens } from '../../src/config';

const roots: string[] = [];
const freshRoot = (): string => {
  const root = mkdtempSync(path.join(tmpdir(), 'config-'));
  roots.push(root);
  return root;
};
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const PROD_SECRETS = { SURVEY_SECRET: 'a'.repeat(32), ID_SECRET: 'b'.repeat(32), AUDIT_KEY: 'c'.repeat(32), MASTER_KEY: 'd'.repeat(32) };

describe('loadConfig', () => {
  it('defaults to the embedded stack on loopback with dev tokens', () => {
    const root = freshRoot();
    const c = loadConfig({}, root);
    expect(c.temporal.address).toBeUndefined();
    expect(c.database.url).toBeUndefined();
    expect(c.dataDir).toBe(path.join(root, '.data'));
    expect(c.api).toMatchObject({ host: '127.0.0.1', port: 3000, devTokens: true });
    expect(c.api.tokens.map((t) => t.token)).toContain('dev-supervisor');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['TEMPORAL_TLS', 'maybe'],
    ['LOG_LEVEL', 'loud'],
  ])('a bad %s=%s stops start-up naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}:`));
  });

  it('never echoes a secret in its error', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:s3cret@db' })).toThrow(/^DATABASE_URL: (?!.*s3cret)/);
    expect(() => loadConfig({ API_TOKENS: 'root:supersecrettoken' })).not.toThrow(/supersecrettoken/);
  });

  it('refuses production without API_TOKENS', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^API_TOKENS:/);
  });

  it('refuses production without its secrets, naming every missing one', () => {
    const prod = { NODE_ENV: 'production', API_TOKENS: 'admin:admintoken0123' };
    expect(() => loadConfig(prod, freshRoot())).toThrow(/^SURVEY_SECRET: must be set in production: SURVEY_SECRET, ID_SECRET, AUDIT_KEY, MASTER_KEY/);
    expect(() => loadConfig({ ...prod, ...PROD_SECRETS, AUDIT_KEY: undefined }, freshRoot())).toThrow(/^AUDIT_KEY: must be set in production: AUDIT_KEY \(/);
    const root = freshRoot();
    const c = loadConfig({ ...prod, ...PROD_SECRETS }, root);
    expect(c.secrets).toEqual(PROD_SECRETS);
    expect(c.surveys.secret).toBe(PROD_SECRETS.SURVEY_SECRET);
    // Production never writes a secrets file, even under a writable DATA_DIR.
    expect(() => statSync(path.join(root, '.data', 'secrets.json'))).toThrow(/ENOENT/);
  });

  it('generates the unset development secrets once, keeps them under DATA_DIR (0600) and reads them back', () => {
    const root = freshRoot();
    const first = loadConfig({ SURVEY_SECRET: 'given-survey-secret-0123' }, root);
    const file = path.join(root, '.data', 'secrets.json');
    expect(first.secretsOrigin).toEqual({ generated: ['ID_SECRET', 'AUDIT_KEY', 'MASTER_KEY'], kept: [], file });
    expect(first.secrets.SURVEY_SECRET).toBe('given-survey-secret-0123');
    for (const name of ['ID_SECRET', 'AUDIT_KEY', 'MASTER_KEY'] as const) expect(first.secrets[name]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).sort()).toEqual(['AUDIT_KEY', 'ID_SECRET', 'MASTER_KEY']);

    const second = loadConfig({}, root);
    expect(second.secretsOrigin).toEqual({ generated: ['SURVEY_SECRET'], kept: ['ID_SECRET', 'AUDIT_KEY', 'MASTER_KEY'], file });
    expect(second.secrets).toMatchObject({ ID_SECRET: first.secrets.ID_SECRET, AUDIT_KEY: first.secrets.AUDIT_KEY, MASTER_KEY: first.secrets.MASTER_KEY });
    const third = loadConfig({}, root);
    expect(third.secrets).toEqual(second.secrets);
    expect(third.secretsOrigin.generated).toEqual([]);
  });

  it('has no constant fallback: two fresh data directories get different secrets', () => {
    const a = loadConfig({}, freshRoot()).secrets;
    const b = loadConfig({}, freshRoot()).secrets;
    for (const name of ['SURVEY_SECRET', 'ID_SECRET', 'AUDIT_KEY', 'MASTER_KEY'] as const) expect(a[name]).not.toBe(b[name]);
  });

  it('reads the audit key from the secrets, and the rotated-out ones', () => {
    const prod = { NODE_ENV: 'production', API_TOKENS: 'admin:admintoken0123', ...PROD_SECRETS };
    const c = loadConfig({ ...prod, AUDIT_KEY: 'k'.repeat(32), AUDIT_PREVIOUS_KEYS: `${'a'.repeat(20)}, ${'b'.repeat(20)}` }, freshRoot());
    expect(c.audit).toEqual({ key: 'k'.repeat(32), previousKeys: ['a'.repeat(20), 'b'.repeat(20)], anchorIntervalMs: 5 * 60_000 });
    // Outside production an unset key is generated with the other secrets: never a constant.
    const dev = loadConfig({}, freshRoot());
    expect(dev.audit.key).toBe(dev.secrets.AUDIT_KEY);
    expect(() => loadConfig({ AUDIT_PREVIOUS_KEYS: 'tooshort' }, freshRoot())).toThrow(/^AUDIT_PREVIOUS_KEYS: entry 1 needs at least 16 characters$/);
  });

  it('needs both halves of an mTLS pair', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/c.pem' })).toThrow(/^TEMPORAL_TLS_KEY:/);
  });

  it('turns TLS on for an API key (Temporal Cloud)', () => {
    expect(loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' }).temporal.tls).toBeDefined();
  });
});

describe('parseApiTokens', () => {
  it('reads role:token[:subject], with subjects that may contain colons', () => {
    expect(parseApiTokens('agent:aaaaaaaa:h-alice, integrator:bbbbbbbb:shop:eu')).toEqual([
      { role: 'agent', token: 'aaaaaaaa', subject: 'h-alice' },
      { role: 'integrator', token: 'bbbbbbbb', subject: 'shop:eu' },
    ]);
  });

  it('names the bad entry without printing its token', () => {
    expect(() => parseApiTokens('agent:aaaaaaaa,boss:cccccccc')).toThrow(/entry 2 has role "boss"/);
    expect(() => parseApiTokens('agent:short')).toThrow(/entry 1 \(agent\) needs a token of at least 8/);
    expect(() => parseApiTokens('agent:short')).not.toThrow(/short/);
  });
});

describe('CHANNEL_INTEGRATORS (#20 item 16)', () => {
  const tokens = 'integrator:tok-acme-123:acme,integrator:tok-beta-123:beta,supervisor:tok-sup-1234:sup';
  it('maps each channel source to an integrator of API_TOKENS', () => {
    const c = loadConfig({ API_TOKENS: tokens, CHANNEL_INTEGRATORS: 'sms:acme, voice:acme ,wechat:beta' }, '/srv/app');
    expect(c.channels.integrators).toEqual({ sms: 'acme', voice: 'acme', wechat: 'beta' });
    expect(loadConfig({}, '/srv/app').channels.integrators).toEqual({});
  });

  it('refuses an integrator no token has, a non-integrator, and a bad source name', () => {
    expect(() => loadConfig({ API_TOKENS: tokens, CHANNEL_INTEGRATORS: 'sms:gamma' })).toThrow(ConfigError);
    expect(() => loadConfig({ API_TOKENS: tokens, CHANNEL_INTEGRATORS: 'sms:sup' })).toThrow(/no integrator/);
    expect(() => loadConfig({ API_TOKENS: tokens, CHANNEL_INTEGRATORS: 'SMS!:acme' })).toThrow(/source name/);
  });
});
