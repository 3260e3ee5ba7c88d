import type { MoveOptions } from '../../src/fleet/event-mover';

/**
 * Crash tests only (NODE_ENV=test): `BOXOFFICE_TEST_MOVER_PAUSE=after:<step>` stops the mover
 * right after the catalog recorded that step, `before-record:<step>` after the step's work
 * but before it is recorded. It prints `mover paused <where>` on stderr and waits there, so a
 * test can SIGKILL the process at exactly that point and run the move again.
 */
export function moverPauseHooks(env: NodeJS.ProcessEnv = process.env): Pick<MoveOptions, 'onStep' | 'beforeRecord'> {
  const spec = env.NODE_ENV === 'test' ? env.BOXOFFICE_TEST_MOVER_PAUSE : undefined;
  const m = spec ? /^(after|before-record):([a-z_]+)$/.exec(spec) : null;
  if (!m) return {};
  const [, when, step] = m;
  const pause = async (at: string) => {
    if (at !== step) return;
    process.stderr.write(`mover paused ${spec}\n`);
    // A timer keeps the process alive: it waits here until it is killed.
    await new Promise<never>(() => setInterval(() => {}, 60_000));
  };
  return when === 'after' ? { onStep: (p) => pause(p.step) } : { beforeRecord: (s) => pause(s) };
}
