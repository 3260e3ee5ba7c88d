// Child processes of the benchmark: the app, the ops CLI and the baseline server. Each runs in
// its own process (so it gets its own core, like production) with its own free port and its
// own temporary DATA_DIR, and is always stopped, even when the harness fails half-way.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const HOST = '127.0.0.1';

/**
 * Folder holding the compiled `src/main.js` and `ops/cli.js`. `npm run bench` runs from
 * dist/ops/bench, so the sibling dist folder is it; a bench compiled elsewhere (e.g. to /tmp
 * while developing) falls back to ./dist of the working directory. BENCH_DIST overrides both.
 */
export function distRoot(): string {
  const candidates = [process.env.BENCH_DIST, path.resolve(__dirname, '..', '..'), path.resolve('dist')];
  for (const c of candidates) {
    if (c && existsSync(path.join(c, 'src', 'main.js'))) return c;
  }
  return process.env.BENCH_DIST ?? path.resolve('dist');
}

export function appEntry(): string {
  return path.join(distRoot(), 'src', 'main.js');
}

export function cliEntry(): string {
  return path.join(distRoot(), 'ops', 'cli.js');
}

/** Ask the kernel for a free port by binding port 0, then release it for the child. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

// Temporary DATA_DIRs not yet removed, so an interrupted run does not leave them behind.
const liveDirs = new Set<string>();

/** A fresh DATA_DIR; `keep` leaves it on disk after the run (for debugging). */
export async function makeDataDir(label: string, keep = false): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `boxoffice-bench-${label}-`));
  if (!keep) liveDirs.add(dir);
  return dir;
}

export async function removeDataDir(dir: string): Promise<void> {
  liveDirs.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

export interface AppConfig {
  dataDir: string;
  port: number;
  writeMode?: 'coalesce' | 'direct';
  simRttMs?: number;
  simCommitMs?: number;
  /** Further app variables of one run (the paid scenario: STRIPE_API_BASE, STRIPE_MAX_RPS, PUBLIC_URL; SHARD_MAX_INFLIGHT; the mail scenario: SMTP_URL, MAIL_FROM). */
  extraEnv?: Record<string, string>;
}

// Variables of the app's contract that must never leak in from the operator's shell: a
// CATALOG_URL there would point the benchmark at a real catalog.
const APP_VARIABLES = [
  'SHARD_MAX_INFLIGHT',
  'WEB_CONCURRENCY',
  'PLACEMENT_POLICY',
  'BUNNY_API_KEY',
  'TURSO_API_TOKEN',
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'DATA_DIR',
  'CATALOG_URL',
  'CATALOG_AUTH_TOKEN',
  'ROOT_KEY',
  'STRIPE_API_BASE',
  'STRIPE_MAX_RPS',
  'SHARD_WRITE_MODE',
  'SHARD_SIM_RTT_MS',
  'SHARD_SIM_COMMIT_MS',
  'LOG_LEVEL',
  'NODE_ENV',
  'SMTP_URL',
  'MAIL_FROM',
];

export function appEnv(cfg: AppConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of APP_VARIABLES) delete env[name];
  return {
    ...env,
    PORT: String(cfg.port),
    HOST,
    DATA_DIR: cfg.dataDir,
    LOG_LEVEL: 'warn',
    SHARD_WRITE_MODE: cfg.writeMode ?? 'coalesce',
    SHARD_SIM_RTT_MS: String(cfg.simRttMs ?? 0),
    SHARD_SIM_COMMIT_MS: String(cfg.simCommitMs ?? 0),
    ...cfg.extraEnv,
  };
}

// Every child we start, so an exception or Ctrl-C never leaves an app holding a port.
const live = new Set<ChildProcess>();

function cleanupSync(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}
process.on('exit', cleanupSync);

export function installSignalCleanup(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      cleanupSync();
      process.exit(130);
    });
  }
}

async function tail(file: string, lines = 20): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Run one ops CLI command to completion with `--json` and return its parsed stdout.
 * stderr (logs) is appended to `logFile`.
 */
export async function runCli(env: NodeJS.ProcessEnv, args: string[], logFile: string): Promise<unknown> {
  const entry = cliEntry();
  if (!existsSync(entry)) throw new Error(`ops CLI not built: ${entry} is missing (run npm run build)`);
  const errFd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [entry, ...args, '--json'], { env, stdio: ['ignore', 'pipe', errFd] });
  live.add(child);
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    stdout += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  }).finally(() => {
    clearTimeout(timer);
    live.delete(child);
  });
  const shown = `ops CLI ${args.slice(0, 1).join(' ')}`;
  if (code !== 0) throw new Error(`${shown} exited with ${code}\n${await tail(logFile)}\n${stdout.trim()}`);
  return parseJsonOutput(stdout, shown);
}

/** `--json` prints only JSON; accept a trailing newline or a last-line document all the same. */
function parseJsonOutput(stdout: string, what: string): unknown {
  const text = stdout.trim();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    const last = text.split('\n').reverse().find((l) => /^[[{]/.test(l.trim()));
    if (last) return JSON.parse(last);
    throw new Error(`${what} printed no JSON: ${text.slice(0, 300)}`);
  }
}

export interface MemoryStats {
  /** Highest VmRSS seen by the 100 ms sampler in the window. */
  sampledPeakMB: number;
  /** VmHWM (kernel's lifetime peak RSS) at the start and end of the window. */
  hwmStartMB: number;
  hwmEndMB: number;
  /** Peak RSS during the window: VmHWM if it rose inside the window, else the sampled peak. */
  peakMB: number;
  rssStartMB: number;
  rssEndMB: number;
  series: Array<{ tSec: number; rssMB: number }>;
}

interface ProcStatus {
  rssKB: number;
  hwmKB: number;
}

function readProcStatus(pid: number): ProcStatus | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    return { rssKB: field('VmRSS'), hwmKB: field('VmHWM') };
  } catch {
    return null; // not Linux, or the process is gone
  }
}

const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;

/** Samples a process's RSS every 100 ms from start() until stop(). Linux only (/proc). */
export class MemoryWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly samples: Array<{ t: number; rssKB: number }> = [];
  private start0 = 0;
  private first: ProcStatus | null = null;

  constructor(private readonly pid: number) {}

  start(): this {
    this.start0 = Date.now();
    this.first = readProcStatus(this.pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
    return this;
  }

  private sample(): void {
    const s = readProcStatus(this.pid);
    if (s && Number.isFinite(s.rssKB)) this.samples.push({ t: Date.now() - this.start0, rssKB: s.rssKB });
  }

  stop(): MemoryStats | null {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const last = readProcStatus(this.pid);
    if (!this.first || !last || this.samples.length === 0) return null;
    const sampledPeakKB = Math.max(...this.samples.map((s) => s.rssKB));
    const peakKB = last.hwmKB > this.first.hwmKB ? last.hwmKB : sampledPeakKB;
    return {
      sampledPeakMB: mb(sampledPeakKB),
      hwmStartMB: mb(this.first.hwmKB),
      hwmEndMB: mb(last.hwmKB),
      peakMB: mb(Math.max(peakKB, sampledPeakKB)),
      rssStartMB: mb(this.first.rssKB),
      rssEndMB: mb(last.rssKB),
      series: this.samples.map((s) => ({ tSec: s.t / 1000, rssMB: mb(s.rssKB) })),
    };
  }
}

export interface StartOptions {
  label: string;
  script: string;
  env: NodeJS.ProcessEnv;
  port: number;
  logFile: string;
  /** How long start-up (migrations on a fresh DATA_DIR) may take. */
  readyTimeoutMs?: number;
}

/** A started server child: its address, a memory watch, and a stop that always completes. */
export class ServerProcess {
  readonly baseUrl: string;
  private exited: Promise<void>;

  constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {
    this.baseUrl = `http://${HOST}:${port}`;
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  watchMemory(): MemoryWatch {
    return new MemoryWatch(this.pid).start();
  }

  /**
   * CPU time the process has used so far (user + system, every thread), ms; null off Linux.
   * Unlike wall-clock rates it hardly depends on what else the machine runs, so work per
   * request compares across windows of a loaded machine.
   */
  cpuMs(): number | null {
    return processCpuMs(this.pid);
  }

  /** Peak RSS over the whole life of the process so far (VmHWM), MB. */
  lifetimePeakMB(): number | null {
    const s = readProcStatus(this.pid);
    return s ? mb(s.hwmKB) : null;
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it is still there after the grace period. */
  async stop(graceMs = 15_000): Promise<{ graceful: boolean }> {
    if (!this.running) {
      live.delete(this.child);
      return { graceful: true };
    }
    this.child.kill('SIGTERM');
    const graceful = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref()),
    ]);
    if (!graceful) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    live.delete(this.child);
    return { graceful };
  }
}

/**
 * CPU time (user + system, all threads) a process has used so far, ms; null when unreadable.
 * On a shared machine wall-clock latency moves with other work; CPU per operation does not.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SEC : null;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on Linux on every architecture Node supports. */
const CLOCK_TICKS_PER_SEC = 100;

/** Start a Node script as a server child and wait until GET /healthz answers 200. */
export async function startServer(o: StartOptions): Promise<ServerProcess> {
  if (!existsSync(o.script)) throw new Error(`${o.label}: ${o.script} is missing (run npm run build)`);
  // Logs to a file rather than a pipe: a pipe nobody drains would stall the child under load.
  const fd = openSync(o.logFile, 'a');
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles every server child
  // (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, o.script], { env: o.env, stdio: ['ignore', fd, fd] });
  live.add(child);
  const proc = new ServerProcess(o.label, child, o.port, o.logFile);
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (!proc.running) {
      live.delete(child);
      throw new Error(`${o.label} exited during start-up (code ${child.exitCode})\n${await tail(o.logFile)}`);
    }
    try {
      const res = await fetch(`${proc.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return proc;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await proc.stop(2000);
  throw new Error(`${o.label} did not answer /healthz 200 within the start-up timeout\n${await tail(o.logFile)}`);
}
