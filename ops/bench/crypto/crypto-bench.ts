/**
 * Bookings per second of PII encryption: Boxoffice's one-envelope scheme against the
 * seed's nine-RSA-per-attendee scheme, over the same attendee data on the same machine.
 *
 * Each "booking" is everything the scheme encrypts or hashes when an attendee is written:
 *   envelope: 1 sealPii (1 RSA-OAEP + 1 AES-GCM over all PII) + 1 HMAC blind index of the
 *             ticket token. checked_in/refunded/price_paid are plain columns, so no crypto.
 *   seed:     9 hybrid encryptions + 1 SYM + 1 HMAC (ops/bench/crypto/seed-hybrid.ts),
 *             with WebCrypto as the seed did.
 *   seed-sync (control): the seed's layout on node:crypto's sync calls, to show how much
 *             of the gap is the RSA count and how much is WebCrypto's per-call overhead.
 * Bookings run one at a time, as one request does; the rate is therefore 1/latency of the
 * crypto step. CPU time per booking (all threads, so WebCrypto's thread-pool work counts)
 * is reported alongside, since that is what bounds a busy process.
 *
 * Not a unit test (timings are machine-dependent). Run it directly:
 *   node <compiled>/ops/bench/crypto/crypto-bench.js [durationMs]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { randomToken } from '../../../src/crypto/encoding';
import { generateOrganiserKeys, publicKeyFromPem, unwrapPrivateKey } from '../../../src/crypto/organiser-keys';
import { sealPii } from '../../../src/crypto/pii-envelope';
import { createRootKeyring, type RootKeyring } from '../../../src/crypto/root-keyring';
import {
  createSeedContext,
  type SeedAttendeeFields,
  type SeedContext,
  type SeedSyncContext,
  seedEncryptAttendee,
  seedEncryptAttendeeSync,
} from './seed-hybrid';

export interface CryptoBenchResult {
  envelopeOpsPerSec: number;
  seedOpsPerSec: number;
  /** envelopeOpsPerSec / seedOpsPerSec */
  ratio: number;
  envelopeUsPerBooking: number;
  seedUsPerBooking: number;
  /** Process CPU time (user + system, every thread) per booking. */
  envelopeCpuUsPerBooking: number;
  seedCpuUsPerBooking: number;
  /** Control: the seed's 9-RSA layout on node:crypto sync calls. */
  seedSyncOpsPerSec: number;
  seedSyncUsPerBooking: number;
  seedSyncCpuUsPerBooking: number;
  /** envelopeOpsPerSec / seedSyncOpsPerSec: the part of the gap due to the RSA count alone. */
  ratioVsSeedSync: number;
  rounds: number;
}

export interface BenchContext {
  envelope: { publicKey: ReturnType<typeof publicKeyFromPem>; keyring: RootKeyring };
  seed: SeedContext;
  seedSync: SeedSyncContext;
  /** For checks only; never used in the timed loop. */
  privateKey: ReturnType<typeof unwrapPrivateKey>;
  envKey: Buffer;
}

/** One organiser key pair and one server key, shared by every scheme. */
export async function createBenchContext(): Promise<BenchContext> {
  const keys = await generateOrganiserKeys();
  const envKey = randomBytes(32);
  const publicKey = publicKeyFromPem(keys.publicKeyPem);
  return {
    envelope: { publicKey, keyring: createRootKeyring(envKey) },
    seed: await createSeedContext(keys.publicKeyPem, envKey),
    seedSync: { publicKey, envKey },
    privateKey: unwrapPrivateKey(keys.wrappedPrivateKey, keys.dataKey),
    envKey,
  };
}

/** What Boxoffice stores for one attendee: one envelope and the ticket token's blind index. */
export function envelopeEncryptBooking(
  ctx: BenchContext['envelope'],
  a: SeedAttendeeFields,
): { pii: string; ticketTokenIndex: string } {
  const pii = sealPii(ctx.publicKey, {
    name: a.name,
    email: a.email,
    phone: a.phone,
    address: a.address,
    special_instructions: a.special_instructions,
    payment_id: a.payment_id,
    ticket_token: a.ticket_token,
  });
  return { pii, ticketTokenIndex: ctx.keyring.blindIndex('ticket-token', a.ticket_token) };
}

const FIRST = ['Amelia', 'Oliver', 'Zoë', 'Mohammed', 'Siobhán', 'Wei', 'Lucía', 'Kwame'];
const LAST = ['Hughes', 'Okafor', 'Ångström', 'Khan', "O'Connor", 'Zhang', 'García', 'Mensah'];
const STREETS = ['High Street', 'Station Road', 'Church Lane', 'Victoria Road'];

/** Realistic, varied attendees (some without optional fields, as real bookings are). */
export function sampleAttendees(n: number): SeedAttendeeFields[] {
  return Array.from({ length: n }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 3) % LAST.length]!;
    return {
      name: `${first} ${last}`,
      email: `${first}.${last}${i}@example.com`.toLowerCase(),
      phone: i % 3 === 0 ? '' : `+44 7700 9${String(i).padStart(5, '0')}`,
      address: i % 2 === 0 ? `${10 + i} ${STREETS[i % STREETS.length]}, Leeds LS${1 + (i % 20)} 4AB` : '',
      special_instructions: i % 4 === 0 ? 'Step-free access and a seat near the aisle, please.' : '',
      payment_id: `cs_test_${randomToken(24)}`,
      checked_in: 'false',
      refunded: 'false',
      ticket_token: randomToken(8),
      price_paid: String(1500 + (i % 5) * 250),
    };
  });
}

interface Sample {
  opsPerSec: number;
  cpuUsPerOp: number;
}

async function measure(sliceMs: number, op: (i: number) => unknown): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  let elapsed = 0;
  // At least a few ops so a very short slice still yields a number.
  while (elapsed < sliceMs || n < 5) {
    await op(n);
    n++;
    elapsed = performance.now() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  return { opsPerSec: (n * 1000) / elapsed, cpuUsPerOp: (cpu.user + cpu.system) / n };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function runCryptoBench(opts: { durationMs: number }): Promise<CryptoBenchResult> {
  const ctx = await createBenchContext();
  const attendees = sampleAttendees(64);
  const at = (i: number) => attendees[i % attendees.length]!;
  const envelopeOp = (i: number) => envelopeEncryptBooking(ctx.envelope, at(i));
  const seedOp = (i: number) => seedEncryptAttendee(ctx.seed, at(i));
  const seedSyncOp = (i: number) => seedEncryptAttendeeSync(ctx.seedSync, at(i));

  // Warm-up: JIT, OpenSSL's lazily built tables, the thread pool. Not counted.
  const warmMs = Math.min(500, Math.max(20, opts.durationMs / 10));
  await measure(warmMs, envelopeOp);
  await measure(warmMs, seedOp);
  await measure(warmMs, seedSyncOp);

  // Alternate the schemes (and rotate which goes first) so drift in CPU clock or load
  // hits all of them alike.
  const rounds = 5;
  const schemes = [envelopeOp, seedOp, seedSyncOp];
  const sliceMs = Math.max(10, (opts.durationMs - schemes.length * warmMs) / (schemes.length * rounds));
  const samples: Sample[][] = schemes.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < schemes.length; k++) {
      const idx = (r + k) % schemes.length;
      samples[idx]!.push(await measure(sliceMs, schemes[idx]!));
    }
  }
  const [env, seed, seedSync] = samples as [Sample[], Sample[], Sample[]];

  const envelopeOpsPerSec = median(env.map((s) => s.opsPerSec));
  const seedOpsPerSec = median(seed.map((s) => s.opsPerSec));
  const seedSyncOpsPerSec = median(seedSync.map((s) => s.opsPerSec));
  return {
    envelopeOpsPerSec,
    seedOpsPerSec,
    ratio: envelopeOpsPerSec / seedOpsPerSec,
    envelopeUsPerBooking: 1e6 / envelopeOpsPerSec,
    seedUsPerBooking: 1e6 / seedOpsPerSec,
    envelopeCpuUsPerBooking: median(env.map((s) => s.cpuUsPerOp)),
    seedCpuUsPerBooking: median(seed.map((s) => s.cpuUsPerOp)),
    seedSyncOpsPerSec,
    seedSyncUsPerBooking: 1e6 / seedSyncOpsPerSec,
    seedSyncCpuUsPerBooking: median(seedSync.map((s) => s.cpuUsPerOp)),
    ratioVsSeedSync: envelopeOpsPerSec / seedSyncOpsPerSec,
    rounds,
  };
}

function printTable(r: CryptoBenchResult): void {
  const row = (name: string, ops: number, us: number, cpu: number) =>
    `${name.padEnd(28)}${ops.toFixed(0).padStart(12)}${us.toFixed(1).padStart(14)}${cpu.toFixed(1).padStart(14)}`;
  console.log(`${'scheme'.padEnd(28)}${'bookings/s'.padStart(12)}${'µs/booking'.padStart(14)}${'CPU µs/bkg'.padStart(14)}`);
  console.log(row('envelope (1 RSA-OAEP)', r.envelopeOpsPerSec, r.envelopeUsPerBooking, r.envelopeCpuUsPerBooking));
  console.log(row('seed hybrid (9 RSA-OAEP)', r.seedOpsPerSec, r.seedUsPerBooking, r.seedCpuUsPerBooking));
  console.log(row('control: seed layout, sync', r.seedSyncOpsPerSec, r.seedSyncUsPerBooking, r.seedSyncCpuUsPerBooking));
  console.log(`ratio (envelope / seed): ${r.ratio.toFixed(2)}x  (median of ${r.rounds} alternating rounds)`);
  console.log(`ratio (envelope / control): ${r.ratioVsSeedSync.toFixed(2)}x  (RSA count alone, same API)`);
}

if (require.main === module) {
  const durationMs = Number(process.argv[2] ?? 5000);
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    console.error('usage: crypto-bench [durationMs > 0]');
    process.exit(2);
  }
  runCryptoBench({ durationMs }).then(printTable, (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
