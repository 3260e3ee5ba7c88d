import cluster from 'node:cluster';
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, type MetricObjectWithValues, type MetricValue, Registry } from 'prom-client';
import type { WriterMetrics } from '../shards/write-coalescer';

/**
 * All Prometheus series of one process; one registry per app so tests don't share state.
 * Under WEB_CONCURRENCY>1 a scrape answers for every process (`scrapeText`): counters and
 * histograms add up, gauges say how they combine (`aggregator`), as prom-client's cluster mode does.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const queueDepth = new Gauge({ name: 'boxoffice_shard_queue_depth', help: 'Jobs waiting for the shard writer', labelNames: ['shard'], registers: [registry], aggregator: 'sum' });
  const batchSize = new Histogram({
    name: 'boxoffice_shard_batch_jobs',
    help: 'Jobs carried by one write batch',
    labelNames: ['shard'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'boxoffice_shard_batch_seconds',
    help: 'Time to commit one write batch',
    labelNames: ['shard'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'boxoffice_shard_batches_in_flight', help: 'Write batches sent to the shard and not yet answered', labelNames: ['shard'], registers: [registry], aggregator: 'sum' });
  const shardJobs = new Counter({ name: 'boxoffice_shard_jobs_total', help: 'Jobs (bookings and admin writes) committed per shard', labelNames: ['shard'], registers: [registry] });
  const moves = new Counter({ name: 'boxoffice_event_moves_total', help: 'Online event moves finished', labelNames: ['from', 'to'], registers: [registry] });
  const moveFrozen = new Histogram({
    name: 'boxoffice_event_move_frozen_seconds',
    help: 'How long buyers saw busy during an event move',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const commits = new Counter({ name: 'boxoffice_shard_commits_total', help: 'Write transactions committed', labelNames: ['shard'], registers: [registry] });
  const busy = new Counter({ name: 'boxoffice_busy_total', help: 'Requests refused with 503 busy', labelNames: ['shard'], registers: [registry] });
  const ticketsSold = new Counter({ name: 'boxoffice_tickets_sold_total', help: 'Tickets sold', labelNames: ['event'], registers: [registry] });
  const soldOut = new Counter({ name: 'boxoffice_sold_out_total', help: 'Bookings refused as sold out', labelNames: ['event'], registers: [registry] });
  // Every process checks the same shards: down when any of them saw it down.
  const shardUp = new Gauge({ name: 'boxoffice_shard_up', help: '1 when the shard answered its last health check', labelNames: ['shard'], registers: [registry], aggregator: 'min' });
  const shardSchema = new Gauge({ name: 'boxoffice_shard_schema_version', help: 'Applied migrations per shard', labelNames: ['shard'], registers: [registry], aggregator: 'max' });
  // Every process counts the same rows: their sum would count each row N times.
  const outboxBacklog = new Gauge({ name: 'boxoffice_outbox_backlog', help: 'Undelivered outbox rows', labelNames: ['shard', 'outbox'], registers: [registry], aggregator: 'max' });
  const paymentCalls = new Counter({ name: 'boxoffice_payment_calls_total', help: 'Calls to a payment provider API (Stripe, Square) by kind', labelNames: ['provider', 'call'], registers: [registry] });
  const shardRoundTrips = new Counter({
    name: 'boxoffice_shard_round_trips_total',
    help: 'Calls to a shard database (each one network round trip on a remote primary): via the single writer, or the shared client',
    labelNames: ['shard', 'via'],
    registers: [registry],
  });
  const bookingTurnsWaiting = new Gauge({
    name: 'boxoffice_booking_turns_waiting',
    help: 'Booking requests waiting for their event’s turn (turns are taken only while more than one event books)',
    registers: [registry],
    aggregator: 'sum',
  });
  const outboxFailures = new Counter({ name: 'boxoffice_outbox_failures_total', help: 'Failed outbox deliveries', labelNames: ['outbox'], registers: [registry] });
  // The one per-process series: how the cluster's round robin spreads requests over workers.
  const workerRequests = new Counter({
    name: 'boxoffice_worker_requests_total',
    help: 'HTTP requests served, by app process (the node:cluster worker id under WEB_CONCURRENCY>1; 0 when alone)',
    labelNames: ['worker'],
    registers: [registry],
  });
  // Bound once: every request counts, so no label lookup per request.
  const served = workerRequests.labels(String(cluster.worker?.id ?? 0));
  const requestServed = () => served.inc();

  const writer: WriterMetrics = {
    onBatch(shard, jobs, seconds) {
      batchSize.observe({ shard }, jobs);
      batchSeconds.observe({ shard }, seconds);
      commits.inc({ shard });
      shardJobs.inc({ shard }, jobs);
    },
    onInFlight(shard, batches) {
      inFlight.set({ shard }, batches);
    },
    onQueueDepth(shard, depth) {
      queueDepth.set({ shard }, depth);
    },
    onRejected(shard) {
      busy.inc({ shard });
    },
  };

  return { registry, writer, requestServed, moves, moveFrozen, ticketsSold, soldOut, shardUp, shardSchema, outboxBacklog, outboxFailures, paymentCalls, shardRoundTrips, bookingTurnsWaiting };
}

export type Metrics = ReturnType<typeof createMetrics>;

export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** The text of a scrape: this process's registry alone, or the aggregate of every process's snapshot. */
export async function scrapeText(metrics: Metrics, snapshots: MetricsSnapshot[] | null): Promise<string> {
  if (snapshots === null) return metrics.registry.metrics();
  return AggregatorRegistry.aggregate(snapshots).metrics();
}
