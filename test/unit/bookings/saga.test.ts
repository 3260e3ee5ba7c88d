import { runSaga, type SagaStep } from '../../../src/bookings/saga';

/** A step that records what happened to it. */
function step(result: 'ok' | 'refused' | 'throws', log: string[], name: string): SagaStep<string> {
  return {
    async invoke() {
      log.push(`invoke ${name}`);
      if (result === 'throws') throw new Error(`${name} failed`);
      return result;
    },
    async compensate() {
      log.push(`compensate ${name}`);
    },
  };
}

describe('runSaga', () => {
  const refused = (r: string) => r === 'refused';

  it('runs every step and compensates nothing when all succeed', async () => {
    const log: string[] = [];
    const r = await runSaga([step('ok', log, 'a'), step('ok', log, 'b')], refused);
    expect(r).toEqual({ ok: true, results: ['ok', 'ok'] });
    expect(log.filter((l) => l.startsWith('compensate'))).toEqual([]);
  });

  it('compensates every step that was not refused when one is refused, and says which', async () => {
    const log: string[] = [];
    const r = await runSaga([step('ok', log, 'a'), step('refused', log, 'b'), step('ok', log, 'c')], refused);
    expect(r).toMatchObject({ ok: false, refusedAt: 1 });
    expect(log.filter((l) => l.startsWith('compensate')).sort()).toEqual(['compensate a', 'compensate c']);
  });

  it('compensates every step, the thrown one too (it may have committed), and rethrows', async () => {
    const log: string[] = [];
    await expect(runSaga([step('ok', log, 'a'), step('throws', log, 'b')], refused)).rejects.toThrow('b failed');
    expect(log.filter((l) => l.startsWith('compensate')).sort()).toEqual(['compensate a', 'compensate b']);
  });
});
