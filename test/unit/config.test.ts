import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseApiTokens } from '../../src/config';

describe('loadConfig', () => {
  it('defaults to the embedded stack on loopback with dev tokens', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.temporal.address).toBeUndefined();
    expect(c.database.url).toBeUndefined();
    expect(c.dataDir).toBe('/srv/app/.data');
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

  it('refuses production without AUDIT_KEY, and reads the key and the rotated-out ones otherwise', () => {
    const prod = { NODE_ENV: 'production', API_TOKENS: 'admin:aaaaaaaaaaaa', SURVEY_SECRET: 's'.repeat(20) };
    expect(() => loadConfig(prod)).toThrow(/^AUDIT_KEY: must be set in production/);
    const c = loadConfig({ ...prod, AUDIT_KEY: 'k'.repeat(32), AUDIT_PREVIOUS_KEYS: `${'a'.repeat(20)}, ${'b'.repeat(20)}` });
    expect(c.audit).toEqual({ key: 'k'.repeat(32), previousKeys: ['a'.repeat(20), 'b'.repeat(20)], anchorIntervalMs: 5 * 60_000 });
    // Outside production nothing stands in for a missing key: the caller must supply one.
    expect(loadConfig({}).audit.key).toBeUndefined();
    expect(() => loadConfig({ AUDIT_PREVIOUS_KEYS: 'tooshort' })).toThrow(/^AUDIT_PREVIOUS_KEYS: entry 1 needs at least 16 characters$/);
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
