// Entry of `npm run bench -- [flags]`: runs the chosen scenarios one after another (never in
// parallel: they would share the CPU), prints each table, writes <scenario>.json / .svg and a
// summary.json with every target of the issue and PASS/MISS.
// Exit code: 0 when every scenario ran, even if a target was missed (a miss is a finding);
// 1 when the harness itself failed (a scenario could not run); 2 on bad flags.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { installSignalCleanup } from './app-process';
import { formatTable, machineInfo, scenarioDocument, writeChart, writeJson } from './report';
import type { BenchOptions, ScenarioContext, ScenarioFn, ScenarioResult, TargetCheck } from './types';

/** Issue order. Loaded lazily so one scenario's missing module (crypto, in progress) only fails that scenario. */
const SCENARIOS: Record<string, { id: string; load: () => Promise<ScenarioFn> }> = {
  baseline: { id: '1', load: async () => (await import('./scenarios/baseline')).run },
  'hot-embedded': { id: '2', load: async () => (await import('./scenarios/hot-embedded')).run },
  'remote-primary': { id: '3', load: async () => (await import('./scenarios/remote-primary')).run },
  burst: { id: '4', load: async () => (await import('./scenarios/burst')).run },
  'scale-out': { id: '5', load: async () => (await import('./scenarios/scale-out')).run },
  crypto: { id: '6', load: async () => (await import('./scenarios/crypto')).run },
  'remote-inflight': { id: '7', load: async () => (await import('./scenarios/remote-inflight')).run },
  move: { id: '8', load: async () => (await import('./scenarios/move')).run },
  paid: { id: '9', load: async () => (await import('./scenarios/paid')).run },
  mail: { id: '10', load: async () => (await import('./scenarios/mail')).run },
  'admin-search': { id: '11', load: async () => (await import('./scenarios/admin-search')).run },
  isolation: { id: '12', load: async () => (await import('./scenarios/isolation')).run },
  processes: { id: '13', load: async () => (await import('./scenarios/processes')).run },
};
/** Names accepted by --scenario that are produced by another scenario. */
const ALIASES: Record<string, string> = { memory: 'burst' };
/** Ratios are always against a baseline measured in the same run. */
const NEEDS: Record<string, string[]> = { 'hot-embedded': ['baseline'] };
/** Connection counts for modelled-latency scenarios, where every request waits >= RTT. */
const MODELLED_DEFAULT_CONNECTIONS: Record<string, number> = { 'remote-primary': 512, 'scale-out': 512, 'remote-inflight': 128, paid: 512, isolation: 256, processes: 256 };

const HELP = `Usage: npm run bench -- [flags]

  --scenario <name>     run only this scenario (repeatable; default: all, in issue order)
                        ${[...Object.keys(SCENARIOS), ...Object.keys(ALIASES)].join(', ')}
                        (hot-embedded also runs baseline; memory is measured during burst)
  --duration <s>        measured seconds per throughput run (default 10; --quick: 2)
  --warmup <s>          unmeasured warm-up seconds before each run (default 2; --quick: 1)
  --connections <n>     connections for baseline and hot-embedded (default 64)
  --connections <scenario>=<n>
                        connections for one scenario (repeatable; remote-primary and
                        scale-out default to 512, since each request waits >= the RTT)
  --out <dir>           results folder (default ops/bench/results/<ISO timestamp>)
  --quick               short durations, for a smoke run
  --sim-rtt <ms>        modelled primary RTT for remote-primary and scale-out (default 50)
  --sim-commit <ms>     modelled primary commit time (default 2)
  --buyers <n>          burst buyers (default 5000)
  --tickets <n>         burst capacity (default 1000)
  --burst-rtt <ms>      run the burst behind the modelled primary (default 0 = embedded)
  --burst-commit <ms>   modelled commit time for the burst (default 0)
  --scale-out-mode <m>  SHARD_WRITE_MODE for scale-out: coalesce (default) or direct
  --keep-data           keep each app's temporary DATA_DIR
  -h, --help
`;

class UsageError extends Error {}

function positive(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  return n;
}

function parseConnections(values: string[]): (scenario: string, fallback: number) => number {
  let global: number | undefined;
  const perScenario: Record<string, number> = {};
  for (const v of values) {
    const m = /^([a-z-]+)=(\d+)$/.exec(v);
    if (m) {
      const [, name = '', n = ''] = m;
      if (!SCENARIOS[name]) throw new UsageError(`--connections ${v}: unknown scenario "${name}"`);
      perScenario[name] = positive('connections', n, 0);
    } else {
      global = positive('connections', v, 0);
    }
  }
  return (scenario, fallback) =>
    perScenario[scenario] ?? MODELLED_DEFAULT_CONNECTIONS[scenario] ?? global ?? fallback;
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

interface Parsed {
  opts: BenchOptions;
  scenarios: string[];
  report: Record<string, unknown>;
}

function parse(argv: string[], startedAt: Date): Parsed | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      scenario: { type: 'string', multiple: true },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', multiple: true },
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'sim-rtt': { type: 'string' },
      'sim-commit': { type: 'string' },
      buyers: { type: 'string' },
      tickets: { type: 'string' },
      'burst-rtt': { type: 'string' },
      'burst-commit': { type: 'string' },
      'scale-out-mode': { type: 'string' },
      'keep-data': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const requested = values.scenario ?? Object.keys(SCENARIOS);
  const wanted = new Set<string>();
  for (const raw of requested) {
    const name = ALIASES[raw] ?? raw;
    if (!SCENARIOS[name]) throw new UsageError(`unknown scenario "${raw}"`);
    for (const dep of NEEDS[name] ?? []) wanted.add(dep);
    wanted.add(name);
  }
  const scaleOutMode = values['scale-out-mode'] ?? 'coalesce';
  if (scaleOutMode !== 'coalesce' && scaleOutMode !== 'direct') {
    throw new UsageError(`--scale-out-mode must be coalesce or direct, got "${scaleOutMode}"`);
  }
  const connectionsRaw = values.connections ?? [];
  const opts: BenchOptions = {
    durationSec: positive('duration', values.duration, quick ? 2 : 10),
    warmupSec: positive('warmup', values.warmup, quick ? 1 : 2, true),
    connectionsFor: parseConnections(connectionsRaw),
    quick,
    outDir: path.resolve(values.out ?? path.join('ops', 'bench', 'results', timestamp(startedAt))),
    simRttMs: positive('sim-rtt', values['sim-rtt'], 50, true),
    simCommitMs: positive('sim-commit', values['sim-commit'], 2, true),
    buyers: Math.round(positive('buyers', values.buyers, 5000)),
    tickets: Math.round(positive('tickets', values.tickets, 1000)),
    burstRttMs: positive('burst-rtt', values['burst-rtt'], 0, true),
    burstCommitMs: positive('burst-commit', values['burst-commit'], 0, true),
    scaleOutMode,
    keepData: values['keep-data'] === true,
  };
  const scenarios = Object.keys(SCENARIOS).filter((s) => wanted.has(s));
  // What goes into every JSON: the options as numbers, not as a function.
  const report = {
    ...opts,
    connectionsFor: undefined,
    connections: Object.fromEntries(
      ['baseline', 'hot-embedded', 'remote-primary', 'scale-out'].map((s) => [s, opts.connectionsFor(s, 64)]),
    ),
    scenarios,
  };
  return { opts, scenarios, report };
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<number> {
  const startedAt = new Date();
  let parsed: Parsed | 'help';
  try {
    parsed = parse(process.argv.slice(2), startedAt);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const { opts, scenarios, report } = parsed;
  installSignalCleanup();
  const machine = machineInfo();
  const ctx: ScenarioContext = {
    opts,
    results: new Map<string, ScenarioResult>(),
    logDir: path.join(opts.outDir, 'logs'),
    log,
  };
  await mkdir(ctx.logDir, { recursive: true });
  log(`results → ${opts.outDir}`);
  log(`machine: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryMB} MB, node ${machine.node}`);
  if (machine.loadAverage1m > machine.cpuCount / 2) {
    log(`warning: load average ${machine.loadAverage1m} before the run: other work will skew the numbers`);
  }

  const targets: TargetCheck[] = [];
  const failures: Array<{ scenario: string; error: string }> = [];
  const files: string[] = [];
  for (const name of scenarios) {
    const entry = SCENARIOS[name];
    if (!entry) continue;
    const dependency = (NEEDS[name] ?? []).find((d) => !ctx.results.has(d));
    if (dependency) {
      failures.push({ scenario: name, error: `skipped: ${dependency} did not produce a result` });
      targets.push(errorRow(entry.id, name, `skipped: ${dependency} failed`));
      continue;
    }
    log(`── scenario ${entry.id}: ${name}`);
    const t0 = Date.now();
    try {
      const fn = await entry.load();
      const results = await fn(ctx);
      for (const r of results) {
        ctx.results.set(r.name, r);
        targets.push(...r.targets);
        printResult(r);
        const json = path.join(opts.outDir, `${r.name}.json`);
        await writeJson(json, scenarioDocument(r, machine, startedAt, report));
        files.push(json);
        if (r.chart) {
          const svg = path.join(opts.outDir, `${r.name}.svg`);
          await writeChart(svg, r.chart);
          files.push(svg);
        }
      }
      log(`   ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`   ${name} FAILED: ${message}`);
      failures.push({ scenario: name, error: message });
      targets.push(errorRow(entry.id, name, message.split('\n')[0] ?? message));
      if (name === 'burst') targets.push(errorRow('7', 'memory', 'not measured: burst failed'));
    }
  }

  // Issue order (memory, target 7, is measured during the burst but listed last).
  targets.sort((a, b) => Number.parseInt(a.id, 10) - Number.parseInt(b.id, 10) || a.id.localeCompare(b.id));
  const summaryTable = {
    headers: ['#', 'scenario', 'check', 'target', 'measured', 'result', 'note'],
    rows: targets.map((t) => [t.id, t.scenario, t.check, t.target, t.measured, t.status, t.note ?? '']),
  };
  process.stdout.write(`\n== Summary (${machine.cpuCount} × ${machine.cpuModel}, node ${machine.node}) ==\n`);
  process.stdout.write(`${formatTable(summaryTable)}\n`);
  const summaryFile = path.join(opts.outDir, 'summary.json');
  await writeJson(summaryFile, {
    date: new Date().toISOString(),
    runStartedAt: startedAt.toISOString(),
    machine,
    options: report,
    targets,
    passed: targets.filter((t) => t.status === 'PASS').length,
    missed: targets.filter((t) => t.status === 'MISS').length,
    failures,
    files: files.map((f) => path.relative(opts.outDir, f)),
  });
  const shown = path.relative(process.cwd(), summaryFile);
  process.stdout.write(`\nWrote ${shown.startsWith('..') ? summaryFile : shown} and ${files.length} other files.\n`);
  return failures.length > 0 ? 1 : 0;
}

function errorRow(id: string, scenario: string, message: string): TargetCheck {
  return { id, scenario, check: 'scenario did not run', target: '-', measured: message.slice(0, 160), status: 'ERROR' };
}

function printResult(r: ScenarioResult): void {
  const out = [`\n== ${r.title} ==`, formatTable(r.table)];
  for (const n of r.notes) out.push(`  · ${n}`);
  for (const t of r.targets) {
    out.push(`  ${t.status.padEnd(5)} (${t.id}) ${t.check}: ${t.measured} [target ${t.target}]${t.note ? `, ${t.note}` : ''}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// process.exit rather than exitCode: a stray socket or timer in a load generator must not keep
// the run alive once the summary is written ('exit' also kills any child left running).
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench harness error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
