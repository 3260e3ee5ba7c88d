import type { MoveOptions } from '../../src/fleet/event-mover';
import type { FleetProgress } from '../../src/fleet/fleet-service';

/** `after:<step>` or `before-record:<step>`, read only under NODE_ENV=test. */
function pauseSpec(env: NodeJS.ProcessEnv): { spec: string; when: 'after' | 'before-record'; step: string } | undefined {
  const spec = env.NODE_ENV === 'test' ? env.BOXOFFICE_TEST_MOVER_PAUSE : undefined;
  const m = spec ? /^(after|before-record):([a-z_]+)$/.exec(spec) : null;
  return m ? { spec: spec!, when: m[1] as 'after' | 'before-record', step: m[2]! } : undefined;
}

/** Prints `mover paused <spec>` on stderr and never returns: a timer keeps the process alive until it is killed. */
async function pauseForever(spec: string): Promise<never> {
  process.stderr.write(`mover paused ${spec}\n`);
  return new Promise<never>(() => setInterval(() => {}, 60_000));
}

/**
 * Crash tests only (NODE_ENV=test), `BOXOFFICE_TEST_MOVER_PAUSE`: `after:<step>` stops the
 * mover (event:move, promote, drain) right after the catalog recorded that step (or after
 * `provisioned`), `before-record:<step>` after a move step's work but before it is recorded.
 * It prints `mover paused <spec>` on stderr and waits there, so a test can SIGKILL the process
 * at exactly that point and run the command again.
 */
export function beforeRecordPause(env: NodeJS.ProcessEnv = process.env): Pick<MoveOptions, 'beforeRecord'> {
  const p = pauseSpec(env);
  if (p?.when !== 'before-record') return {};
  return { beforeRecord: (step) => (step === p.step ? pauseForever(p.spec) : undefined) };
}

/** The `after:` pause, on the progress lines: `after:provisioned`, or `after:<move step>` (the first event it matches). */
export function progressPause(env: NodeJS.ProcessEnv = process.env): (p: FleetProgress) => Promise<void> | undefined {
  const p = pauseSpec(env);
  if (p?.when !== 'after') return () => undefined;
  return (progress) => (progress.kind === p.step || (progress.kind === 'move' && progress.step === p.step) ? pauseForever(p.spec) : undefined);
}
