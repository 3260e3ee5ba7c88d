import { SalesFirst } from '../../../src/outbox/sales-first';

describe('sales first: mail yields to bookings, for a bounded time', () => {
  let now = 0;
  let lastSale = Number.NEGATIVE_INFINITY;
  const policy = () => new SalesFirst({ lastSaleAt: () => lastSale, now: () => now, quietMs: 1000, maxDeferMs: 30_000, trickleRows: 5 });
  beforeEach(() => {
    now = 1_000_000;
    lastSale = Number.NEGATIVE_INFINITY;
  });

  it('sends full batches when nobody has booked lately', () => {
    const p = policy();
    expect(p.allowance(25)).toBe(25);
    lastSale = now - 1000;
    expect(p.allowance(25)).toBe(25);
  });

  it('sends nothing while bookings arrive, then a trickle once the deferral limit is reached', () => {
    const p = policy();
    lastSale = now;
    expect(p.allowance(25)).toBe(0);
    now += 29_999;
    lastSale = now - 10;
    expect(p.allowance(25)).toBe(0);
    now += 1;
    expect(p.allowance(25)).toBe(5);
    now += 60_000;
    lastSale = now;
    expect(p.allowance(25)).toBe(5);
    expect(p.allowance(3)).toBe(3);
    expect(p.deferredPasses).toBe(2);
  });

  it('catches up in full once sales are quiet, and a new sale starts a new deferral', () => {
    const p = policy();
    lastSale = now;
    expect(p.allowance(25)).toBe(0);
    now += 1500;
    expect(p.allowance(25)).toBe(25);
    lastSale = now;
    now += 100;
    expect(p.allowance(25)).toBe(0);
  });
});
