import { DemandGate, KNOWN_REMAINING_TTL_MS } from '../../../src/admission/demand-gate';

describe('DemandGate', () => {
  let now = 0;
  const gate = () => new DemandGate(() => now);

  it('admits demand up to the estimated places, then refuses', () => {
    const g = gate();
    expect(g.tryClaim(1, null, 3, 5)).toBe(true);
    expect(g.tryClaim(1, null, 2, 5)).toBe(true);
    expect(g.tryClaim(1, null, 1, 5)).toBe(false);
  });

  it('frees queued demand when writes settle, and trusts the places a commit reported over the estimate', () => {
    const g = gate();
    expect(g.tryClaim(1, null, 4, 4)).toBe(true);
    g.settle(1, null, 4, 0);
    expect(g.tryClaim(1, null, 1, 100)).toBe(false); // the commit said none left; the stale estimate said 100
    now += KNOWN_REMAINING_TTL_MS + 1;
    expect(g.tryClaim(1, null, 1, 100)).toBe(true); // the commit's figure aged out
  });

  it('admits again once queued bookings failed and a commit reports places back', () => {
    const g = gate();
    expect(g.tryClaim(2, null, 2, 2)).toBe(true);
    expect(g.tryClaim(2, null, 1, 2)).toBe(false);
    g.settle(2, null, 2, 2); // refused at the shard: both places still free
    expect(g.tryClaim(2, null, 2, null)).toBe(true);
  });

  it('keeps dates of a daily event apart and admits anything when nothing is known', () => {
    const g = gate();
    expect(g.tryClaim(3, '2027-01-01', 50, null)).toBe(true);
    g.settle(3, '2027-01-01', 50, 0);
    expect(g.tryClaim(3, '2027-01-01', 1, null)).toBe(false);
    expect(g.tryClaim(3, '2027-01-02', 1, null)).toBe(true);
  });

  it('forgets what it knew when tickets are released', () => {
    const g = gate();
    g.settle(4, null, 0, 0);
    expect(g.tryClaim(4, null, 1, null)).toBe(false);
    g.released(4);
    expect(g.tryClaim(4, null, 1, null)).toBe(true);
  });
});
