import { FairTurns } from '../../../src/admission/fair-turns';

/** Booking work in turns across events, only while more than one event books. */
describe('FairTurns', () => {
  const immediate = () => new Promise<void>((r) => setImmediate(r));

  it('lets requests straight through while only one event books', () => {
    const turns = new FairTurns();
    for (let i = 0; i < 100; i++) expect(turns.take('hot')).toBeUndefined();
    expect(turns.depth).toBe(0);
  });

  it('serves a second event after at most one more request of the busy one', async () => {
    const turns = new FairTurns();
    turns.take('hot');
    const order: string[] = [];
    // A second event arrives: from now on everyone takes turns.
    const first = turns.take('quiet');
    expect(first).toBeInstanceOf(Promise);
    void first!.then(() => order.push('quiet-0'));
    const waits: Array<Promise<void>> = [first!];
    for (let i = 0; i < 50; i++) {
      const t = turns.take('hot')!;
      waits.push(t.then(() => void order.push(`hot-${i}`)));
    }
    // A quiet buyer behind fifty hot ones in the same turn of the event loop.
    waits.push(turns.take('quiet')!.then(() => void order.push('quiet-1')));
    expect(turns.depth).toBe(52);
    await Promise.all(waits);
    expect(order).toHaveLength(52);
    expect(order[0]).toBe('quiet-0');
    expect(order.indexOf('quiet-1')).toBeLessThanOrEqual(2);
    // Each event's own requests keep their order.
    const hot = order.filter((o) => o.startsWith('hot'));
    expect(hot).toEqual(Array.from({ length: 50 }, (_, i) => `hot-${i}`));
    expect(turns.depth).toBe(0);
  });

  it('runs one request per event-loop turn, so I/O is read between any two', async () => {
    const turns = new FairTurns();
    turns.take('a');
    const released: number[] = [];
    let tick = 0;
    const ticks = (async () => {
      for (let i = 0; i < 20; i++) {
        await immediate();
        tick++;
      }
    })();
    const waits = Array.from({ length: 6 }, (_, i) => turns.take(i % 2 ? 'a' : 'b')!.then(() => void released.push(tick)));
    await Promise.all([...waits, ticks]);
    // Six releases, never two in the same turn.
    expect(new Set(released).size).toBe(6);
  });

  it('stops taking turns once the second event has been quiet for the window', async () => {
    const turns = new FairTurns({ contendedForMs: 30 });
    turns.take('hot');
    await turns.take('quiet');
    await turns.take('hot');
    await new Promise((r) => setTimeout(r, 60));
    expect(turns.take('hot')).toBeUndefined();
  });
});
