import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config/load-config';
import { parseTrustProxy } from '../../../src/config/trust-proxy';

describe('TRUST_PROXY (finding 10)', () => {
  const base = { NODE_ENV: 'test', ROOT_KEY: randomBytes(32).toString('base64'), DATA_DIR: '/tmp/never-created-by-this-test' };

  it('is off by default', () => {
    expect(loadConfig(base, () => {}).trustProxy).toBe(false);
    expect(parseTrustProxy('off')).toBe(false);
  });

  it('takes a hop count or addresses/CIDRs', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.10,loopback')).toEqual(['10.0.0.0/8', '192.168.1.10', 'loopback']);
    expect(parseTrustProxy('fd00::/8')).toEqual(['fd00::/8']);
  });

  it('stops start-up with one line naming TRUST_PROXY for nonsense', () => {
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'everyone' }, () => {})).toThrow(/^TRUST_PROXY: "everyone" is not/);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/99' }, () => {})).toThrow(/^TRUST_PROXY/);
  });
});
