/**
 * Injected misbehaviour per database. Everything is deterministic so a test can assert exact
 * counts: `failRate` fails request k (1-based, counting pipeline requests since the faults were
 * set) exactly when floor(k·rate) steps up, i.e. rate 0.25 fails the 4th, 8th, 12th … request.
 */
export interface Faults {
  /** Delay before a request is looked at: distance to the primary. */
  latencyMs?: number;
  /**
   * Delay after a request has run (and committed) and before its answer is sent: a primary
   * that is slow to acknowledge. Writes are visible to others before the writer hears back.
   */
  stallMs?: number;
  /**
   * Slow commit (fsync, replication): after a statement commits, its stream keeps the
   * database's writer this long, so concurrent write commits are serialised by this much.
   */
  commitMs?: number;
  /** Fraction (0..1) of pipeline requests refused before anything in them runs. */
  failRate?: number;
  /**
   * How a refused request answers: 'http500' (text/plain 500: client code SERVER_ERROR) or
   * 'streamExpired' (400 with sqld's JSON stream error: client code STREAM_EXPIRED).
   */
  failWith?: 'http500' | 'streamExpired';
  /**
   * Destroy the socket without answering every pipeline request: true or 'beforeExecute'
   * runs nothing; 'afterExecute' runs (and commits) the pipeline first, the ambiguous case.
   */
  dropConnection?: boolean | 'beforeExecute' | 'afterExecute';
}

export class FaultPlan {
  private pipelinesSeen = 0;
  constructor(readonly faults: Faults = {}) {
    const rate = faults.failRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`failRate must be within 0..1, got ${rate}`);
  }

  /** Call once per pipeline request; true means refuse it. */
  nextPipelineFails(): boolean {
    const rate = this.faults.failRate ?? 0;
    if (rate === 0) return false;
    this.pipelinesSeen++;
    const k = this.pipelinesSeen;
    // The epsilon keeps 0.1·10 (= 1.0000000000000002) and friends from drifting a step.
    return Math.floor(k * rate + 1e-9) > Math.floor((k - 1) * rate + 1e-9);
  }

  get dropMode(): 'beforeExecute' | 'afterExecute' | undefined {
    const d = this.faults.dropConnection;
    if (d === true || d === 'beforeExecute') return 'beforeExecute';
    if (d === 'afterExecute') return 'afterExecute';
    return undefined;
  }
}

export const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
