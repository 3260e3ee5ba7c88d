// Table rows, charts and checks that every throughput scenario presents the same way, so the
// numbers of different scenarios line up when read side by side.
import { getEvent, type RunningApp, TICKETS_PER_BOOKING } from '../app-setup';
import type { SustainedResult } from '../load';
import { ms, num, times } from '../report';
import type { ChartSpec } from '../svg-chart';
import type { ScenarioResult } from '../types';

export const THROUGHPUT_HEADERS = [
  'run',
  'connections',
  'tickets/s',
  'p50',
  'p90',
  'p99',
  'answers/s',
  'non-2xx',
  'no answer',
];

export function ticketsPerSec(r: SustainedResult): number {
  // Bookings of varying size count their tickets from the answers; otherwise one size for all.
  return r.okTickets !== undefined ? r.okTickets / r.durationSec : r.okPerSec * TICKETS_PER_BOOKING;
}

export function throughputRow(r: SustainedResult): string[] {
  const non2xx = r.responses - r.okResponses;
  // No successful booking in the window: no latency to show (0 ms would read as "instant").
  const lat = (v: number): string => (r.latencyMs.ok.count > 0 ? ms(v) : '-');
  return [
    r.label,
    num(r.connections),
    num(ticketsPerSec(r)),
    lat(r.latencyMs.ok.p50),
    lat(r.latencyMs.ok.p90),
    lat(r.latencyMs.ok.p99),
    num(r.responsesPerSec),
    non2xx > 0 ? `${num(non2xx)} (${statusSummary(r, true)})` : '0',
    num(r.errors + r.timeouts),
  ];
}

/** "201: 5,000, 503: 12"; with onlyErrors, the non-2xx codes only. */
export function statusSummary(r: SustainedResult, onlyErrors = false): string {
  return Object.entries(r.statusCounts)
    .filter(([code]) => !onlyErrors || !code.startsWith('2'))
    .map(([code, n]) => `${code}: ${num(n)}`)
    .join(', ');
}

/** Tickets/s over time (line per run) and booking latency percentiles (bars per run). */
export function throughputChart(title: string, subtitle: string, runs: SustainedResult[]): ChartSpec {
  return {
    title,
    subtitle,
    lines: {
      title: 'Tickets sold per second (2xx answers, each booking\'s quantity)',
      xLabel: 'seconds into the measured window',
      yLabel: 'tickets/s',
      series: runs.map((r) => ({
        label: r.label,
        // Runs that book 1-4 tickets count each answer's tickets; the others book a fixed quantity.
        points: r.series.map((p) => ({ x: p.tSec, y: p.okTicketsPerSec ?? p.okPerSec * TICKETS_PER_BOOKING })),
      })),
    },
    bars: {
      title: 'Latency of successful bookings',
      yLabel: 'ms',
      groups: runs.map((r) => ({
        label: r.label,
        bars: [
          { label: 'p50', value: r.latencyMs.ok.p50 },
          { label: 'p90', value: r.latencyMs.ok.p90 },
          { label: 'p99', value: r.latencyMs.ok.p99 },
        ],
      })),
    },
  };
}

/** Fewer successes than this in a window and a ratio built on it is noise, not a measurement. */
export const MIN_STABLE_ANSWERS = 50;

/** "12.3x", or "∞" when the denominator sold nothing in its window. */
export function ratioText(ratio: number): string {
  return Number.isFinite(ratio) ? times(ratio) : '∞';
}

/** The baseline's run, stored by the baseline scenario; scenario 2 divides by it. */
export function baselineRun(results: Map<string, ScenarioResult>): SustainedResult | undefined {
  return results.get('baseline')?.data.run as SustainedResult | undefined;
}

export interface SoldCheck {
  /** Tickets sold per slug, from the server's own counters (capacity - available). */
  perSlug: Record<string, number>;
  soldAtServer: number;
  /** Tickets the clients were told they have (warm-up, drain and measured window). */
  confirmedToClients: number;
  /** Every 2xx a client got must be counted by the server; fewer means a lost booking. */
  consistent: boolean;
}

/**
 * Compare the server's own count with the 2xx answers. The server may count more (requests
 * abandoned by the load generator at the end still commit), never fewer. The load generator
 * does not say which slug each answer was for, so the check is on the total.
 */
export async function soldCheck(app: RunningApp, slugs: string[], confirmedBookings: number, confirmedTickets?: number): Promise<SoldCheck> {
  const perSlug: Record<string, number> = {};
  for (const slug of slugs) {
    const ev = await getEvent(app.baseUrl, slug, app.token);
    perSlug[slug] = ev.capacity - ev.available;
  }
  const soldAtServer = Object.values(perSlug).reduce((s, n) => s + n, 0);
  const confirmedToClients = confirmedTickets ?? confirmedBookings * TICKETS_PER_BOOKING;
  return { perSlug, soldAtServer, confirmedToClients, consistent: soldAtServer >= confirmedToClients };
}

export function soldNote(c: SoldCheck, label: string): string {
  return c.consistent
    ? `${label}: server counts ${num(c.soldAtServer)} tickets sold for ${num(c.confirmedToClients)} confirmed to clients (any extra = requests in flight when the load stopped)`
    : `${label}: LOST BOOKINGS: server counts ${num(c.soldAtServer)} tickets sold but clients got ${num(c.confirmedToClients)} confirmations`;
}
