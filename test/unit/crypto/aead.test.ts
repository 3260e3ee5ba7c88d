import { randomBytes } from 'node:crypto';
import { open, openString, seal } from '../../../src/crypto/aead';
import { CryptoError } from '../../../src/crypto/crypto-error';
import { everyOneCharEdit } from './tamper';

const key = randomBytes(32);

function expectCryptoError(fn: () => unknown, code?: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(CryptoError);
  if (code) expect((thrown as CryptoError).code).toBe(code);
}

describe('aead', () => {
  it('round-trips strings and buffers, with and without AAD', () => {
    expect(openString(key, seal(key, 'hello wörld'))).toBe('hello wörld');
    const bytes = randomBytes(100);
    expect(open(key, seal(key, bytes)).equals(bytes)).toBe(true);
    expect(openString(key, seal(key, 'sk_live_x', 'settings:3:stripe'), 'settings:3:stripe')).toBe('sk_live_x');
  });

  it('round-trips an empty plaintext', () => {
    expect(openString(key, seal(key, ''))).toBe('');
  });

  it('writes the a1.<iv>.<ct>.<tag> format with a 12-byte IV and 16-byte tag', () => {
    const sealed = seal(key, 'abc');
    const [version, iv, ct, tag] = sealed.split('.');
    expect(version).toBe('a1');
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(ct!, 'base64url')).toHaveLength(3);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
  });

  it('uses a fresh IV each time, so equal plaintexts do not look equal', () => {
    expect(seal(key, 'same')).not.toBe(seal(key, 'same'));
  });

  it('does not contain the plaintext', () => {
    expect(seal(key, 'alice@example.com')).not.toContain('alice');
  });

  it('fails with auth_failed under a wrong key', () => {
    expectCryptoError(() => open(randomBytes(32), seal(key, 'x')), 'auth_failed');
  });

  it('fails when the AAD differs, is missing, or was not used at seal time', () => {
    const bound = seal(key, 'x', 'row:1');
    expectCryptoError(() => open(key, bound, 'row:2'), 'auth_failed');
    expectCryptoError(() => open(key, bound), 'auth_failed');
    expectCryptoError(() => open(key, seal(key, 'x'), 'row:1'), 'auth_failed');
  });

  it('fails when any single character of the sealed value is changed', () => {
    const sealed = seal(key, 'a plaintext long enough to span several blocks', 'ctx');
    for (const edited of everyOneCharEdit(sealed)) {
      expectCryptoError(() => open(key, edited, 'ctx'));
    }
  });

  it('fails on truncated, extended or reshuffled input', () => {
    const sealed = seal(key, 'abc');
    const [v, iv, ct, tag] = sealed.split('.') as [string, string, string, string];
    const cases = [
      sealed.slice(0, -1),
      `${sealed}A`,
      `${sealed}.AAAA`,
      [v, iv, ct].join('.'),
      [v, iv, tag, ct].join('.'),
      [v, iv, ct, tag.slice(0, 6)].join('.'), // a short tag would be easy to forge
      ['a2', iv, ct, tag].join('.'),
      '',
      'not sealed at all',
    ];
    for (const bad of cases) expectCryptoError(() => open(key, bad));
  });

  it('refuses keys that are not 32 bytes', () => {
    expectCryptoError(() => seal(randomBytes(16), 'x'), 'bad_key');
    expectCryptoError(() => open(randomBytes(31), seal(key, 'x')), 'bad_key');
  });

  it('never puts the sealed input in the error message', () => {
    const sealed = seal(key, 'x');
    try {
      open(randomBytes(32), sealed);
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as Error).message).not.toContain(sealed.split('.')[1]);
    }
  });
});
