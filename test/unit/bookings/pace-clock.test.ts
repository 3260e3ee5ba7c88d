// Walks running at once share one pacing share (PaceClock), and a search's answer is charged
// for the request's costs outside the walk, so cheap searches back to back are paced too.
import { ANSWER_CHARGE_MS, PaceClock, WALK_SHARE_DURING_SALES, WalkPacer } from '../../../src/bookings/walk-pacer';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const factor = 1 / WALK_SHARE_DURING_SALES - 1;

describe('walks sharing a pace clock', () => {
  it('pauses the second walk after the first one’s pause, so together they keep the share', async () => {
    const clock = new PaceClock();
    const a = new WalkPacer(() => true, clock);
    const b = new WalkPacer(() => true, clock);
    busy(5);
    const t0 = performance.now();
    await Promise.all([a.next(), b.next()]);
    const waited = performance.now() - t0;
    // a worked ~5 ms, b (constructed at the same time) about as long: b waits for both pauses.
    expect(a.pausedMs).toBeGreaterThanOrEqual(5 * factor);
    expect(b.pausedMs).toBeGreaterThanOrEqual(a.pausedMs + 5 * factor - 1);
    expect(waited).toBeGreaterThanOrEqual(b.pausedMs - 2);
  });

  it('charges an answer for the request around the walk, even when the walk cost nothing', async () => {
    const p = new WalkPacer(() => true);
    await p.answered();
    expect(p.pausedMs).toBeGreaterThanOrEqual(ANSWER_CHARGE_MS * factor);
  });

  it('without sales, neither pauses', async () => {
    const clock = new PaceClock();
    const p = new WalkPacer(() => false, clock);
    busy(5);
    await p.answered();
    expect(p.pausedMs).toBe(0);
    expect(clock.freeAt).toBe(0);
  });
});
