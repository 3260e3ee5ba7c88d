import { createHash, randomBytes } from 'node:crypto';
import { open, seal } from '../../../src/crypto/aead';
import { CryptoError } from '../../../src/crypto/crypto-error';
import { randomToken } from '../../../src/crypto/encoding';
import { deriveSecretKey, lookupHash } from '../../../src/crypto/session-key';

describe('session and API-token keys', () => {
  const secret = randomToken();

  it('derives the same 32-byte key for the same secret and purpose', () => {
    const key = deriveSecretKey(secret, 'session');
    expect(key).toHaveLength(32);
    expect(key.equals(deriveSecretKey(secret, 'session'))).toBe(true);
  });

  it('derives different keys for different purposes and different secrets', () => {
    expect(deriveSecretKey(secret, 'session').equals(deriveSecretKey(secret, 'api-token'))).toBe(false);
    expect(deriveSecretKey(secret, 'session').equals(deriveSecretKey(randomToken(), 'session'))).toBe(false);
  });

  it('protects a data key that only the same secret can open', () => {
    const dataKey = randomBytes(32);
    const stored = seal(deriveSecretKey(secret, 'session'), dataKey, 'session-data-key');
    expect(open(deriveSecretKey(secret, 'session'), stored, 'session-data-key').equals(dataKey)).toBe(true);
    expect(() => open(deriveSecretKey(randomToken(), 'session'), stored, 'session-data-key')).toThrow(CryptoError);
  });

  it('uses the sha256 hex of the secret as the lookup id', () => {
    const expected = createHash('sha256').update(secret).digest('hex');
    expect(lookupHash(secret)).toBe(expected);
    expect(lookupHash(secret)).not.toContain(secret);
  });

  it('keeps the derived key unrelated to the stored lookup hash', () => {
    const key = deriveSecretKey(secret, 'session');
    expect(key.equals(Buffer.from(lookupHash(secret), 'hex'))).toBe(false);
  });

  it('refuses a secret too short to be one of ours', () => {
    expect(() => deriveSecretKey('password123', 'session')).toThrow(CryptoError);
  });

  it('refuses an unknown purpose', () => {
    expect(() => deriveSecretKey(secret, 'cookie' as 'session')).toThrow(CryptoError);
  });
});
