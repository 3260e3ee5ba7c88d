// One fresh app per measured configuration: new DATA_DIR, organiser, token, shards and events,
// created only through the public interfaces (ops CLI + HTTP API) so the benchmark exercises
// what operators use and keeps working when the app's internals change.
import path from 'node:path';
import {
  type AppConfig,
  appEntry,
  appEnv,
  freePort,
  makeDataDir,
  removeDataDir,
  runCli,
  type ServerProcess,
  startServer,
} from './app-process';

export const OWNER_EMAIL = 'owner@bench.test';
export const OWNER_PASSWORD = 'bench-password-123';

/** The booking every buyer sends: same shape and size as a real free booking. */
export const BOOKING_BODY = JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com', quantity: 1 });
export const TICKETS_PER_BOOKING = 1;

/** Effectively unlimited: a throughput run must never sell out inside its window. */
export const UNLIMITED_CAPACITY = 10_000_000;

export interface EventSpec {
  slug: string;
  capacity: number;
  shard?: string;
  /** Minor units; a priced event books through holds and Stripe Checkout. */
  price?: number;
}

export interface AppSetup {
  label: string;
  writeMode?: 'coalesce' | 'direct';
  simRttMs?: number;
  simCommitMs?: number;
  /** Dedicated shards to provision before start (`shard:provision --dedicated`). */
  dedicatedShards?: string[];
  events: EventSpec[];
  logDir: string;
  keepData: boolean;
  /** Extra app variables (SHARD_MAX_INFLIGHT, STRIPE_API_BASE…); `{port}` in a value becomes the app's port (PUBLIC_URL). */
  extraEnv?: Record<string, string>;
  /** Runs once the server is up, before events are created (e.g. saving a Stripe key). */
  beforeEvents?: (baseUrl: string, token: string) => Promise<void>;
}

export interface RunningApp {
  proc: ServerProcess;
  baseUrl: string;
  token: string;
  dataDir: string;
  config: AppConfig;
  bookingPath: (slug: string) => string;
  stop: () => Promise<void>;
}

export const bookingPath = (slug: string): string => `/api/v1/events/${encodeURIComponent(slug)}/bookings`;

function field(doc: unknown, name: string, what: string): string {
  const value = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${what}: expected "${name}" in its JSON output, got ${JSON.stringify(doc)}`);
  }
  return value;
}

export async function createEvent(baseUrl: string, token: string, ev: EventSpec): Promise<void> {
  const body = {
    slug: ev.slug,
    name: `Bench ${ev.slug}`,
    capacity: ev.capacity,
    maxPerPurchase: 10,
    fields: ['email'],
    ...(ev.shard ? { shard: ev.shard } : {}),
    ...(ev.price ? { price: ev.price } : {}),
  };
  const res = await fetch(`${baseUrl}/api/v1/admin/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /api/v1/admin/events ${ev.slug} → ${res.status}: ${text.slice(0, 300)}`);
}

export interface EventState {
  capacity: number;
  available: number;
}

/**
 * An event's capacity and `available`. With the organiser's token it reads the admin route,
 * whose counters are live; the public route serves a snapshot cached for a few seconds, right
 * for buyers but not for counting what a burst sold. Without a token: the public route (what
 * a buyer loads before the on-sale, which also warms the app's caches).
 */
export async function getEvent(baseUrl: string, slug: string, token?: string): Promise<EventState> {
  const route = token ? `/api/v1/admin/events/${encodeURIComponent(slug)}` : `/api/v1/events/${encodeURIComponent(slug)}`;
  const res = await fetch(`${baseUrl}${route}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${route} → ${res.status}: ${text.slice(0, 300)}`);
  const doc = JSON.parse(text) as { event?: { capacity?: unknown; available?: unknown } };
  const capacity = Number(doc.event?.capacity);
  const available = Number(doc.event?.available);
  if (!Number.isFinite(capacity) || !Number.isFinite(available)) {
    throw new Error(`GET ${route}: no numeric capacity/available in ${text.slice(0, 300)}`);
  }
  return { capacity, available };
}

export async function startApp(s: AppSetup): Promise<RunningApp> {
  const dataDir = await makeDataDir(s.label, s.keepData);
  const port = await freePort();
  const config: AppConfig = {
    dataDir,
    port,
    writeMode: s.writeMode ?? 'coalesce',
    simRttMs: s.simRttMs ?? 0,
    simCommitMs: s.simCommitMs ?? 0,
    ...(s.extraEnv ? { extraEnv: Object.fromEntries(Object.entries(s.extraEnv).map(([k, v]) => [k, v.replace('{port}', String(port))])) } : {}),
  };
  const env = appEnv(config);
  const cliLog = path.join(s.logDir, `${s.label}.cli.log`);
  let proc: ServerProcess | undefined;
  try {
    // Everything file-level happens before the server starts, so the server loads the
    // shard registry once, with every shard present, and nothing is cached stale.
    await runCli(env, ['init'], cliLog);
    const org = await runCli(
      env,
      [
        'organiser:create',
        '--name',
        'Bench',
        '--slug',
        'bench',
        '--owner-email',
        OWNER_EMAIL,
        '--owner-password',
        OWNER_PASSWORD,
      ],
      cliLog,
    );
    field(org, 'slug', 'organiser:create');
    const tok = await runCli(env, ['token:create', '--email', OWNER_EMAIL, '--password', OWNER_PASSWORD], cliLog);
    const token = field(tok, 'token', 'token:create');
    for (const name of s.dedicatedShards ?? []) {
      await runCli(env, ['shard:provision', '--name', name, '--dedicated'], cliLog);
    }
    proc = await startServer({
      label: s.label,
      script: appEntry(),
      env,
      port,
      logFile: path.join(s.logDir, `${s.label}.app.log`),
    });
    await s.beforeEvents?.(proc.baseUrl, token);
    for (const ev of s.events) {
      // Dedicated shards take only events a platform admin places there: create the event in
      // the shared pool, then move it (before any load, so the move costs the run nothing).
      await createEvent(proc.baseUrl, token, { ...ev, shard: undefined });
      if (ev.shard) await runCli(env, ['event:move', '--slug', ev.slug, '--shard', ev.shard], cliLog);
    }
    const running = proc;
    return {
      proc: running,
      baseUrl: running.baseUrl,
      token,
      dataDir,
      config,
      bookingPath,
      stop: async () => {
        await running.stop();
        if (!s.keepData) await removeDataDir(dataDir);
      },
    };
  } catch (err) {
    await proc?.stop(5000);
    if (!s.keepData) await removeDataDir(dataDir);
    throw err;
  }
}
