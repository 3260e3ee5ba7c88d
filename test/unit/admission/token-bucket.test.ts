import { perProcessRate, TokenBuckets } from '../../../src/admission/token-bucket';

describe('TokenBuckets', () => {
  it('allows a burst of the rate, then one token per 1/rate seconds, per key', () => {
    let now = 0;
    const b = new TokenBuckets(20, () => now);
    let granted = 0;
    while (b.tryTake('acct_a')) granted++;
    expect(granted).toBe(20);
    expect(b.tryTake('acct_b')).toBe(true); // another account has its own bucket
    expect(b.nextInMs('acct_a')).toBe(50);
    now += 49;
    expect(b.tryTake('acct_a')).toBe(false);
    now += 1;
    expect(b.tryTake('acct_a')).toBe(true);
    now += 10_000;
    granted = 0;
    while (b.tryTake('acct_a')) granted++;
    expect(granted).toBe(20); // refills to the burst, never beyond
  });

  it('spends a token for a call the provider refused for its rate', () => {
    let now = 0;
    const b = new TokenBuckets(2, () => now);
    b.penalise('a');
    expect(b.tryTake('a')).toBe(true);
    expect(b.tryTake('a')).toBe(false);
    now += 500;
    expect(b.tryTake('a')).toBe(true);
  });

  it('splits an account rate over WEB_CONCURRENCY processes so together they keep to it', () => {
    expect(perProcessRate(20, 1)).toBe(20);
    expect(perProcessRate(20, 3)).toBeCloseTo(20 / 3);
    expect(perProcessRate(2, 4)).toBe(1); // never below 1/s: a process is not starved
    let now = 0;
    const workers = Array.from({ length: 3 }, () => new TokenBuckets(perProcessRate(20, 3), () => now));
    // Every process asks every millisecond for 10 s: together they get the burst (20) plus 20/s.
    let granted = 0;
    for (; now <= 10_000; now++) for (const w of workers) if (w.tryTake('acct')) granted++;
    expect(granted).toBeGreaterThanOrEqual(20 * 10);
    expect(granted).toBeLessThanOrEqual(20 + 20 * 10);
  });
});
