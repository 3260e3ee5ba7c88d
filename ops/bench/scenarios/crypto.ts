// Scenario 6: PII encryption cost per booking. One envelope (AES-256-GCM data key wrapped by a
// single RSA-OAEP op) against the seed's 9 WebCrypto hybrid encryptions per attendee. The
// measurement itself lives in ../crypto (owned by the crypto work); this file only reports it.
import { runCryptoBench } from '../crypto/crypto-bench';
import { num, times } from '../report';
import type { ScenarioFn } from '../types';

const MIN_RATIO = 10;

/** Fields crypto-bench reports beyond the agreed signature; shown when present. */
interface Extras {
  envelopeCpuUsPerBooking?: number;
  seedCpuUsPerBooking?: number;
  seedSyncOpsPerSec?: number;
  seedSyncUsPerBooking?: number;
  seedSyncCpuUsPerBooking?: number;
}

const opt = (v: number | undefined, digits = 1): string => (typeof v === 'number' ? num(v, digits) : '-');

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const durationMs = opts.quick ? 1000 : opts.durationSec * 1000;
  ctx.log(`crypto: runCryptoBench({ durationMs: ${durationMs} })`);
  const r = await runCryptoBench({ durationMs });
  const x = r as typeof r & Extras;
  const rows: string[][] = [
    [
      'envelope (1 RSA-OAEP + AES-GCM)',
      num(r.envelopeOpsPerSec),
      num(r.envelopeUsPerBooking, 1),
      opt(x.envelopeCpuUsPerBooking),
      times(r.ratio),
    ],
    ['seed (9 WebCrypto hybrid)', num(r.seedOpsPerSec), num(r.seedUsPerBooking, 1), opt(x.seedCpuUsPerBooking), '1.00x'],
  ];
  if (typeof x.seedSyncOpsPerSec === 'number') {
    rows.push([
      'control: seed layout, sync API',
      num(x.seedSyncOpsPerSec),
      opt(x.seedSyncUsPerBooking),
      opt(x.seedSyncCpuUsPerBooking),
      times(x.seedSyncOpsPerSec / r.seedOpsPerSec),
    ]);
  }
  return [
    {
      name: 'crypto',
      title: '(6) Crypto: booking envelope vs the seed’s 9 hybrid encryptions per attendee',
      table: { headers: ['scheme', 'bookings/s', 'µs per booking', 'CPU µs per booking', 'vs seed'], rows },
      data: { durationMs, result: r },
      metrics: { ratio: r.ratio },
      targets: [
        {
          id: '6',
          scenario: 'crypto',
          check: 'envelope vs seed encryption, bookings/s',
          target: `>= ${MIN_RATIO}x`,
          measured: `${times(r.ratio)} (${num(r.envelopeOpsPerSec)} / ${num(r.seedOpsPerSec)} per s)`,
          status: r.ratio >= MIN_RATIO ? 'PASS' : 'MISS',
        },
      ],
      chart: {
        title: '(6) PII encryption per booking',
        subtitle: `ratio ${times(r.ratio)}; measured in-process by ops/bench/crypto/crypto-bench`,
        bars: {
          title: 'Time per booking (one booking at a time)',
          yLabel: 'µs',
          groups: [
            { label: 'envelope', bars: [{ label: 'µs per booking', value: r.envelopeUsPerBooking }] },
            { label: 'seed (9 hybrid)', bars: [{ label: 'µs per booking', value: r.seedUsPerBooking }] },
          ],
        },
      },
      notes: [
        'Measured in the harness process by ops/bench/crypto/crypto-bench: bookings one at a time, so bookings/s = 1 / latency; CPU µs counts all threads (WebCrypto uses the thread pool).',
      ],
    },
  ];
};
