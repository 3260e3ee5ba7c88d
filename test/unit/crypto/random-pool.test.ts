import { secureRandomBytes } from '../../../src/crypto/random-pool';

describe('secureRandomBytes', () => {
  it('returns the length asked for, small and large', () => {
    for (const n of [1, 12, 16, 32, 1024, 5000]) expect(secureRandomBytes(n)).toHaveLength(n);
  });

  it('never hands out the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(secureRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(2000);
  });

  it('gives each caller its own copy', () => {
    const a = secureRandomBytes(32);
    const copy = Buffer.from(a);
    secureRandomBytes(32);
    a.fill(0);
    expect(copy.equals(Buffer.alloc(32))).toBe(false);
    expect(secureRandomBytes(32).equals(Buffer.alloc(32))).toBe(false);
  });
});
