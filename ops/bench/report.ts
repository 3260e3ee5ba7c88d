// Formatting and file output shared by every scenario: the machine description that goes into
// every JSON (a number without its machine is not comparable), text tables, number formats.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ChartSpec, renderChart } from './svg-chart';
import type { ScenarioResult, ScenarioTable } from './types';

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemoryMB: number;
  node: string;
  platform: string;
  kernel: string;
  /** 1-minute load average when the run started: a busy machine explains a slow run. */
  loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAverage1m: Number((os.loadavg()[0] ?? 0).toFixed(2)),
  };
}

/** Integer with thousands separators, or fixed decimals. */
export function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(n: number): string {
  return `${num(n, n < 10 ? 2 : 1)} ms`;
}

export function pct(ratio: number): string {
  return `${num(ratio * 100, 1)}%`;
}

export function times(ratio: number): string {
  return `${num(ratio, 2)}x`;
}

export function formatTable(table: ScenarioTable): string {
  const cells = [table.headers, ...table.rows.map((r) => r.map((c) => String(c)))];
  const widths = table.headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => {
        const w = widths[i] ?? 0;
        // Numbers right-aligned, text left-aligned, like any table a reader expects.
        return /^[-\d.,]+( ?[a-zA-Z%/]+)?$/.test(c) && i > 0 ? c.padStart(w) : c.padEnd(w);
      })
      .join(' | ');
  const sep = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(cells[0] ?? []), sep, ...cells.slice(1).map(line)].join('\n');
}

export async function writeJson(file: string, data: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
}

export async function writeChart(file: string, spec: ChartSpec): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, renderChart(spec));
}

/** The JSON of one scenario: its data plus where and when it was measured. */
export function scenarioDocument(
  result: ScenarioResult,
  machine: MachineInfo,
  startedAt: Date,
  options: unknown,
): Record<string, unknown> {
  return {
    scenario: result.name,
    title: result.title,
    date: new Date().toISOString(),
    runStartedAt: startedAt.toISOString(),
    machine,
    // Other work on the machine skews every number; this shows whether there was any.
    loadAverage1mAtEnd: Number((os.loadavg()[0] ?? 0).toFixed(2)),
    options,
    targets: result.targets,
    notes: result.notes,
    table: result.table,
    ...result.data,
  };
}
