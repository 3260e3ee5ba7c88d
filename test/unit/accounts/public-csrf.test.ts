import { randomBytes } from 'node:crypto';
import { checkPublicCsrfToken, createPublicCsrfToken } from '../../../src/http/middleware/csrf';
import { createRootKeyring } from '../../../src/crypto';

describe('stateless CSRF tokens for anonymous forms', () => {
  const keyring = createRootKeyring(randomBytes(32));
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('accepts its own token for an hour', () => {
    const token = createPublicCsrfToken(keyring, now);
    expect(checkPublicCsrfToken(keyring, token, now)).toBe(true);
    expect(checkPublicCsrfToken(keyring, token, now + 59 * 60_000)).toBe(true);
  });

  it('rejects a token older than an hour or from more than a minute in the future', () => {
    const token = createPublicCsrfToken(keyring, now);
    expect(checkPublicCsrfToken(keyring, token, now + 61 * 60_000)).toBe(false);
    expect(checkPublicCsrfToken(keyring, createPublicCsrfToken(keyring, now + 2 * 60_000), now)).toBe(false);
  });

  it('rejects a token whose timestamp or nonce was edited, or that another ROOT_KEY signed', () => {
    const token = createPublicCsrfToken(keyring, now);
    const [v, ts, nonce, mac] = token.split('.');
    expect(checkPublicCsrfToken(keyring, [v, String(Number(ts) + 1000), nonce, mac].join('.'), now)).toBe(false);
    expect(checkPublicCsrfToken(keyring, [v, ts, `${nonce}x`, mac].join('.'), now)).toBe(false);
    const other = createRootKeyring(randomBytes(32));
    expect(checkPublicCsrfToken(other, token, now)).toBe(false);
  });

  it.each(['', 'garbage', 'p1.x.y.z', 'p1.1.2', `p1.${'9'.repeat(20)}.n.m`, 'x'.repeat(500)])('rejects the malformed token %p', (bad) => {
    expect(checkPublicCsrfToken(keyring, bad, now)).toBe(false);
  });

  it('makes a different token each time', () => {
    expect(createPublicCsrfToken(keyring, now)).not.toBe(createPublicCsrfToken(keyring, now));
  });
});
