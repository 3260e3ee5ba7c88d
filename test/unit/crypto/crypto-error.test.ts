import { CryptoError, isCryptoError } from '../../../src/crypto/crypto-error';

describe('CryptoError', () => {
  it('is an Error with a name and a machine-readable code', () => {
    const err = new CryptoError('auth_failed', 'sealed value failed authentication');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CryptoError');
    expect(err.code).toBe('auth_failed');
    expect(isCryptoError(err)).toBe(true);
    expect(isCryptoError(new Error('other'))).toBe(false);
  });
});
