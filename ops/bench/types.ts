// Shapes shared by the runner and the scenarios. Kept apart from run.ts so a scenario never
// imports the entry point (which would start a run).
import type { ChartSpec } from './svg-chart';

/** Options parsed from the command line; every scenario reads the same object. */
export interface BenchOptions {
  /** Measured window of each throughput run, seconds. */
  durationSec: number;
  /** Unmeasured load before each throughput run (JIT, caches, connection set-up), seconds. */
  warmupSec: number;
  /** Connections used by a scenario unless overridden for it by name. */
  connectionsFor: (scenario: string, fallback: number) => number;
  quick: boolean;
  outDir: string;
  /** Modelled remote primary, for scenarios 3 and 5 (contract: SHARD_SIM_RTT_MS / SHARD_SIM_COMMIT_MS). */
  simRttMs: number;
  simCommitMs: number;
  /** Burst shape (scenario 4). */
  buyers: number;
  tickets: number;
  /** Burst behind the modelled primary instead of the embedded default (0 = embedded). */
  burstRttMs: number;
  burstCommitMs: number;
  /** Write mode of the scale-out runs: the app's default is coalesce. */
  scaleOutMode: 'coalesce' | 'direct';
  /** Keep each app's temporary DATA_DIR after the run (debugging). */
  keepData: boolean;
}

/** One line of the final summary: a target from the issue and how this run did. */
export interface TargetCheck {
  /** Issue numbering: "1".."7", with a letter when one scenario has several targets. */
  id: string;
  scenario: string;
  check: string;
  target: string;
  measured: string;
  /** INFO = measured for reference only (the baseline has no target); ERROR = not measured. */
  status: 'PASS' | 'MISS' | 'INFO' | 'ERROR';
  note?: string;
}

export interface ScenarioTable {
  headers: string[];
  rows: Array<Array<string | number>>;
}

export interface ScenarioResult {
  /** File stem of the JSON and SVG written for it. */
  name: string;
  title: string;
  table: ScenarioTable;
  /** Everything measured, written verbatim to <name>.json. */
  data: Record<string, unknown>;
  /** Numbers another scenario needs (e.g. the baseline's req/s for the ratio in scenario 2). */
  metrics: Record<string, number>;
  targets: TargetCheck[];
  chart?: ChartSpec;
  /** Free-text remarks printed under the table and kept in the JSON. */
  notes: string[];
}

export interface ScenarioContext {
  opts: BenchOptions;
  /** Results of scenarios that already ran in this process, by ScenarioResult.name. */
  results: Map<string, ScenarioResult>;
  /** Folder for child-process logs. */
  logDir: string;
  log: (message: string) => void;
}

/** A scenario may produce several results (the burst also yields the memory result). */
export type ScenarioFn = (ctx: ScenarioContext) => Promise<ScenarioResult[]>;
