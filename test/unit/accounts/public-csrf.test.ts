import { randomBytes } from 'node:crypto';
import { checkPublicCsrfToken, createPublicCsrfToken } from '../../../src/http/middleware/csrf';
import { createRootKeyring } from '../../../src/crypto';

describe('stateless CSRF tokens for anonymous forms', () => {
  const keyring = createRootKeyring(randomBytes(32));
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  // The browser's pre-session cookie the token is bound to.
  const B = 'pre-session-cookie-value-1';

  it('accepts its own token for an hour', () => {
    const token = createPublicCsrfToken(keyring, B, now);
    expect(checkPublicCsrfToken(keyring, token, B, now)).toBe(true);
    expect(checkPublicCsrfToken(keyring, token, B, now + 59 * 60_000)).toBe(true);
  });

  it('rejects a token older than an hour or from more than a minute in the future', () => {
    const token = createPublicCsrfToken(keyring, B, now);
    expect(checkPublicCsrfToken(keyring, token, B, now + 61 * 60_000)).toBe(false);
    expect(checkPublicCsrfToken(keyring, createPublicCsrfToken(keyring, B, now + 2 * 60_000), B, now)).toBe(false);
  });

  it('rejects a token whose timestamp or nonce was edited, or that another ROOT_KEY signed', () => {
    const token = createPublicCsrfToken(keyring, B, now);
    const [v, ts, nonce, mac] = token.split('.');
    expect(checkPublicCsrfToken(keyring, [v, String(Number(ts) + 1000), nonce, mac].join('.'), B, now)).toBe(false);
    expect(checkPublicCsrfToken(keyring, [v, ts, `${nonce}x`, mac].join('.'), B, now)).toBe(false);
    const other = createRootKeyring(randomBytes(32));
    expect(checkPublicCsrfToken(other, token, B, now)).toBe(false);
  });

  it.each(['', 'garbage', 'p2.x.y.z', 'p2.1.2', `p2.${'9'.repeat(20)}.n.m`, 'x'.repeat(500)])('rejects the malformed token %p', (bad) => {
    expect(checkPublicCsrfToken(keyring, bad, B, now)).toBe(false);
  });

  it('rejects a token bound to another browser, or a request without the pre-session cookie (finding 7)', () => {
    const token = createPublicCsrfToken(keyring, B, now);
    expect(checkPublicCsrfToken(keyring, token, 'another-browser-cookie-2', now)).toBe(false);
    expect(checkPublicCsrfToken(keyring, token, undefined, now)).toBe(false);
    expect(checkPublicCsrfToken(keyring, token, '', now)).toBe(false);
  });

  it('makes a different token each time', () => {
    expect(createPublicCsrfToken(keyring, B, now)).not.toBe(createPublicCsrfToken(keyring, B, now));
  });
});
