import { WALK_SHARE_DURING_SALES, WalkPacer } from '../../../src/bookings/walk-pacer';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('walk pacer', () => {
  it('only yields when nobody is booking', async () => {
    const p = new WalkPacer(() => false);
    busy(20);
    await p.next();
    expect(p.pausedMs).toBe(0);
  });

  it('while sales are on, pauses long enough that the walk takes at most its share of the time', async () => {
    const p = new WalkPacer(() => true);
    busy(10);
    const t0 = performance.now();
    await p.next();
    const paused = performance.now() - t0;
    const expected = 10 * (1 / WALK_SHARE_DURING_SALES - 1);
    expect(p.pausedMs).toBeGreaterThanOrEqual(expected);
    expect(p.pausedMs).toBeLessThanOrEqual(100);
    expect(paused).toBeGreaterThanOrEqual(expected - 2);
  });

  it('never pauses longer than 100 ms at a time', async () => {
    const p = new WalkPacer(() => true);
    busy(60);
    await p.next();
    expect(p.pausedMs).toBe(100);
  });
});
