import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { makeTempDir } from '../../helpers/temp-dir';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.cleanup());

  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: tmp.dir, ROOT_KEY: KEY, ...env }, () => {});

  it('applies the defaults of CONTRACT.md', () => {
    const c = load({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', publicUrl: 'http://localhost:3000', writeMode: 'coalesce', simRttMs: 0, simCommitMs: 0, logLevel: 'info' });
    expect(c.catalogUrl).toBe(`file:${path.join(tmp.dir, 'catalog.db')}`);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('follows PORT into the default PUBLIC_URL and trims a trailing slash from PUBLIC_URL', () => {
    expect(load({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(load({ PUBLIC_URL: 'https://tickets.example.com/' }).publicUrl).toBe('https://tickets.example.com');
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['PORT', { PORT: 'eighty' }, /^PORT: must be a whole number/],
    ['PORT', { PORT: '70000' }, /^PORT: must be at most 65535/],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://x' }, /^PUBLIC_URL: must be an http\(s\) URL/],
    ['CATALOG_URL', { CATALOG_URL: 'postgres://db' }, /^CATALOG_URL: must start with file:/],
    ['STRIPE_API_BASE', { STRIPE_API_BASE: 'nope' }, /^STRIPE_API_BASE: /],
    ['SHARD_WRITE_MODE', { SHARD_WRITE_MODE: 'fast' }, /^SHARD_WRITE_MODE: /],
    ['SHARD_SIM_RTT_MS', { SHARD_SIM_RTT_MS: '-5' }, /^SHARD_SIM_RTT_MS: must be a whole number/],
    ['SHARD_SIM_COMMIT_MS', { SHARD_SIM_COMMIT_MS: '99999' }, /^SHARD_SIM_COMMIT_MS: must be at most 10000/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    ['NODE_ENV', { NODE_ENV: 'staging' }, /^NODE_ENV: /],
    ['ROOT_KEY', { ROOT_KEY: 'bad' }, /^ROOT_KEY: must be base64 of 32/],
    ['ROOT_KEY', { ROOT_KEY: Buffer.alloc(16).toString('base64') }, /^ROOT_KEY: must be base64 of 32 bytes \(got 16 bytes\)/],
  ];

  it.each(bad)('names %s in a one-line error', (variable, env, message) => {
    let error: unknown;
    try {
      load(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('reads SMTP_URL and MAIL_FROM together, never echoes the SMTP credentials, and leaves mail off without them', () => {
    expect(load({}).mail).toBeNull();
    expect(load({ SMTP_URL: 'smtps://u:p@mail.example.com:465', MAIL_FROM: 'Tickets <t@example.com>' }).mail).toEqual({ smtpUrl: 'smtps://u:p@mail.example.com:465', from: 'Tickets <t@example.com>' });
    expect(() => load({ SMTP_URL: 'smtp://u:p@mail.example.com' })).toThrow(expect.objectContaining({ variable: 'MAIL_FROM' }));
    expect(() => load({ MAIL_FROM: 't@example.com' })).toThrow(expect.objectContaining({ variable: 'SMTP_URL' }));
    expect(() => load({ SMTP_URL: 'http://u:hunter2@mail.example.com', MAIL_FROM: 't@example.com' })).toThrow(
      expect.objectContaining({ variable: 'SMTP_URL', message: expect.not.stringContaining('hunter2') }),
    );
    expect(() => load({ SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'not an address' })).toThrow(expect.objectContaining({ variable: 'MAIL_FROM' }));
  });

  it('never echoes a ROOT_KEY value in its error', () => {
    expect(() => load({ ROOT_KEY: 'c2VjcmV0LXZhbHVl' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('c2VjcmV0LXZhbHVl') }));
  });

  it('requires ROOT_KEY in production', () => {
    expect(() => loadConfig({ DATA_DIR: tmp.dir, NODE_ENV: 'production' }, () => {})).toThrow(/^ROOT_KEY: is required when NODE_ENV=production/);
    expect(existsSync(path.join(tmp.dir, 'root.key'))).toBe(false);
  });

  it('generates ROOT_KEY once outside production, mode 0600, with a warning, and reuses it', () => {
    const warnings: string[] = [];
    const first = loadConfig({ DATA_DIR: tmp.dir }, (m) => warnings.push(m));
    const file = path.join(tmp.dir, 'root.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first.rootKey);
    expect(warnings).toHaveLength(1);
    const second = loadConfig({ DATA_DIR: tmp.dir }, (m) => warnings.push(m));
    expect(second.rootKey).toEqual(first.rootKey);
    expect(warnings).toHaveLength(1);
  });
});
