import { CryptoError } from '../../../src/crypto/crypto-error';
import { b64u, constantTimeEqual, fromB64u, randomToken, sha256Hex } from '../../../src/crypto/encoding';

describe('encoding', () => {
  it('round-trips bytes through base64url without padding', () => {
    for (let n = 0; n < 40; n++) {
      const buf = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      const text = b64u(buf);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromB64u(text).equals(buf)).toBe(true);
    }
  });

  it('rejects characters outside the base64url alphabet', () => {
    for (const bad of ['ab+c', 'ab/c', 'abc=', 'ab c', 'ab.c']) {
      expect(() => fromB64u(bad)).toThrow(CryptoError);
    }
  });

  it('rejects a non-canonical encoding that Node would decode to the same bytes', () => {
    const canonical = b64u(Buffer.from([0xff])); // "_w": the low 4 bits of "w" are spare
    expect(Buffer.from('_x', 'base64url').equals(Buffer.from([0xff]))).toBe(true);
    expect(fromB64u(canonical).equals(Buffer.from([0xff]))).toBe(true);
    expect(() => fromB64u('_x')).toThrow(CryptoError);
  });

  it('rejects an impossible length', () => {
    expect(() => fromB64u('abcde')).toThrow(CryptoError);
  });

  it('makes random tokens of the requested size that do not repeat', () => {
    const token = randomToken();
    expect(fromB64u(token)).toHaveLength(32);
    expect(fromB64u(randomToken(8))).toHaveLength(8);
    expect(new Set(Array.from({ length: 100 }, () => randomToken())).size).toBe(100);
  });

  it('refuses a non-positive token size', () => {
    expect(() => randomToken(0)).toThrow(CryptoError);
  });

  it('hashes strings and buffers to the same sha256 hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
  });

  it('compares equal strings as equal and anything else as different, without throwing on length', () => {
    expect(constantTimeEqual('secret-value', 'secret-value')).toBe(true);
    expect(constantTimeEqual('secret-value', 'secret-valuE')).toBe(false);
    expect(constantTimeEqual('short', 'a much longer string')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});
