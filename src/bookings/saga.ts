/**
 * A step of a booking on one shard. Both halves are idempotent, keyed by the booking id, so a
 * retried or repeated step never books or cancels twice.
 */
export interface SagaStep<R> {
  invoke(): Promise<R>;
  compensate(): Promise<void>;
}

export type SagaResult<R> = { ok: true; results: R[] } | { ok: false; results: Array<R | undefined>; refusedAt: number };

/**
 * Runs every step in parallel. If any step is refused (`refused(result)`) or throws, every
 * other step is compensated, so the buyer gets all or nothing. A step that threw is
 * compensated too: it may have committed before its answer was lost, and compensation of a
 * step that never wrote changes nothing. The first thrown error is rethrown afterwards.
 */
export async function runSaga<R>(steps: SagaStep<R>[], refused: (r: R) => boolean): Promise<SagaResult<R>> {
  const settled = await Promise.allSettled(steps.map((s) => s.invoke()));
  const results = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  const thrown = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  const refusedAt = settled.findIndex((s) => s.status === 'fulfilled' && refused(s.value));
  if (!thrown && refusedAt < 0) return { ok: true, results: results as R[] };
  await Promise.all(
    steps.map(async (step, i) => {
      const r = settled[i]!;
      if (r.status === 'fulfilled' && refused(r.value)) return;
      await step.compensate();
    }),
  );
  if (thrown) throw thrown.reason;
  return { ok: false, results, refusedAt };
}

/**
 * Runs the steps one after another; when one is refused or throws, the steps before it are
 * compensated in reverse order. For sagas where a later step must not start before an
 * earlier one holds its ground: moving an attendee takes the target's places first, so the
 * source's places are freed only once the target has them (run in parallel, a compensation
 * that put the source back could oversell it).
 */
export async function runSequentialSaga<R>(steps: SagaStep<R>[], refused: (r: R) => boolean): Promise<SagaResult<R>> {
  const results: Array<R | undefined> = [];
  for (const [i, step] of steps.entries()) {
    let r: R;
    try {
      r = await step.invoke();
    } catch (e) {
      // It may have committed before its answer was lost: compensate it too.
      for (const done of steps.slice(0, i + 1).reverse()) await done.compensate();
      throw e;
    }
    results.push(r);
    if (refused(r)) {
      for (const done of steps.slice(0, i).reverse()) await done.compensate();
      return { ok: false, results, refusedAt: i };
    }
  }
  return { ok: true, results: results as R[] };
}
