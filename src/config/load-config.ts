import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ensurePrivateDir } from '../lib/private-files';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { envSchema, type WriteMode } from './schema';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly catalogUrl: string;
  readonly catalogAuthToken: string | undefined;
  readonly rootKey: Buffer;
  readonly stripeApiBase: string | undefined;
  /** Square's API base instead of its production/sandbox hosts (tests point it at a stand-in). */
  readonly squareApiBase: string | undefined;
  readonly writeMode: WriteMode;
  readonly simRttMs: number;
  readonly simCommitMs: number;
  readonly logLevel: string;
  readonly coalesceMaxBatch: number;
  readonly queueTargetWaitMs: number;
  readonly holdTtlMs: number;
  readonly outboxLeaseMs: number;
  readonly bunny: { readonly apiKey: string | undefined; readonly apiBase: string; readonly region: string };
  readonly turso: { readonly apiToken: string | undefined; readonly org: string | undefined; readonly group: string; readonly apiBase: string };
  readonly shardMaxInflight: number;
  readonly shardDeadlineMs: number;
  readonly placementPolicy: 'fewest-events' | 'least-load';
  /** Hours before a moved-away copy's rows are purged; 0: never automatically. */
  readonly movedCopyRetentionHours: number;
  readonly webConcurrency: number;
  /** Bearer token of /metrics and detailed health; undefined = none set. */
  readonly metricsToken: string | undefined;
  /** /metrics answers at all (off in production without METRICS_TOKEN). */
  readonly metricsEnabled: boolean;
  readonly trustProxy: TrustProxy;
  /** Webhook targets on loopback, private and link-local addresses are allowed. */
  readonly webhookAllowPrivate: boolean;
  readonly http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number };
  /** Requests per minute (0 = off) for booking per client address and per email, and login attempts per address. */
  readonly abuseLimits: { bookingPerIp: number; bookingPerEmail: number; loginPerIp: number };
  /** Outgoing mail; null when SMTP_URL/MAIL_FROM are not set (no mail is sent). */
  readonly mail: { readonly smtpUrl: string; readonly from: string } | null;
  readonly stripeMaxRps: number;
}

/** A configuration problem: the message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

function decodeRootKey(value: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new ConfigError('ROOT_KEY', 'must be base64 of 32 random bytes');
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError('ROOT_KEY', `must be base64 of 32 bytes (got ${key.length} bytes)`);
  return key;
}

/** Outside production a missing ROOT_KEY is generated once into DATA_DIR/root.key. */
function loadOrCreateRootKey(dataDir: string, warn: (msg: string) => void): Buffer {
  const file = path.join(dataDir, 'root.key');
  if (existsSync(file)) return decodeRootKey(readFileSync(file, 'utf8').trim());
  // A catalog without its key: a new key would seal new secrets that nothing else can open.
  if (existsSync(path.join(dataDir, 'catalog.db'))) {
    throw new ConfigError('ROOT_KEY', `not set and ${file} is missing, but ${dataDir} already holds a catalog; set ROOT_KEY to its key`);
  }
  ensurePrivateDir(dataDir);
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  warn(`ROOT_KEY not set: generated one into ${file}; back it up, secrets at rest are sealed with it`);
  return key;
}

/**
 * Parses the environment once and freezes the result. Throws ConfigError for the first
 * problem found, so start-up can print exactly one line that names the variable.
 */
export function loadConfig(
  source: NodeJS.ProcessEnv = process.env,
  warn: (msg: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
): Config {
  // Empty strings count as unset, as shells and .env files produce them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const got = cleaned[variable];
    const shown = /(KEY|TOKEN)$/.test(variable) || variable === 'SMTP_URL' || got === undefined ? '' : ` (got "${got}")`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let rootKey: Buffer;
  if (e.ROOT_KEY) rootKey = decodeRootKey(e.ROOT_KEY);
  else if (e.NODE_ENV === 'production') throw new ConfigError('ROOT_KEY', 'is required when NODE_ENV=production');
  else rootKey = loadOrCreateRootKey(dataDir, warn);

  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  if (typeof trustProxy === 'object' && !Array.isArray(trustProxy) && trustProxy !== null) throw new ConfigError('TRUST_PROXY', trustProxy.error);
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS', 'must not exceed HTTP_REQUEST_TIMEOUT_MS');
  const production = e.NODE_ENV === 'production';
  if (production && !e.METRICS_TOKEN) warn('METRICS_TOKEN not set: /metrics is off and /healthz shows no detail');
  if (Boolean(e.SMTP_URL) !== Boolean(e.MAIL_FROM)) {
    throw new ConfigError(e.SMTP_URL ? 'MAIL_FROM' : 'SMTP_URL', `must be set together with ${e.SMTP_URL ? 'SMTP_URL' : 'MAIL_FROM'}`);
  }

  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    dataDir,
    catalogUrl: e.CATALOG_URL ?? `file:${path.join(dataDir, 'catalog.db')}`,
    catalogAuthToken: e.CATALOG_AUTH_TOKEN,
    rootKey,
    stripeApiBase: e.STRIPE_API_BASE,
    squareApiBase: e.SQUARE_API_BASE,
    writeMode: e.SHARD_WRITE_MODE,
    simRttMs: e.SHARD_SIM_RTT_MS,
    simCommitMs: e.SHARD_SIM_COMMIT_MS,
    logLevel: e.LOG_LEVEL,
    coalesceMaxBatch: e.COALESCE_MAX_BATCH,
    queueTargetWaitMs: e.QUEUE_TARGET_WAIT_MS,
    holdTtlMs: e.HOLD_TTL_MINUTES * 60_000,
    outboxLeaseMs: e.OUTBOX_LEASE_MS,
    bunny: Object.freeze({ apiKey: e.BUNNY_API_KEY, apiBase: e.BUNNY_API_BASE.replace(/\/+$/, ''), region: e.BUNNY_REGION }),
    turso: Object.freeze({ apiToken: e.TURSO_API_TOKEN, org: e.TURSO_ORG, group: e.TURSO_GROUP, apiBase: e.TURSO_API_BASE.replace(/\/+$/, '') }),
    shardMaxInflight: e.SHARD_MAX_INFLIGHT,
    shardDeadlineMs: e.SHARD_DEADLINE_MS,
    placementPolicy: e.PLACEMENT_POLICY,
    movedCopyRetentionHours: e.MOVED_COPY_RETENTION_HOURS,
    webConcurrency: e.WEB_CONCURRENCY,
    metricsToken: e.METRICS_TOKEN,
    metricsEnabled: !production || e.METRICS_TOKEN !== undefined,
    trustProxy,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE ?? !production,
    abuseLimits: {
      bookingPerIp: e.BOOKING_LIMIT_PER_IP >= 0 ? e.BOOKING_LIMIT_PER_IP : production ? 60 : 0,
      bookingPerEmail: e.BOOKING_LIMIT_PER_EMAIL >= 0 ? e.BOOKING_LIMIT_PER_EMAIL : production ? 10 : 0,
      loginPerIp: e.LOGIN_LIMIT_PER_IP >= 0 ? e.LOGIN_LIMIT_PER_IP : production ? 30 : 0,
    },
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEPALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    mail: e.SMTP_URL && e.MAIL_FROM ? Object.freeze({ smtpUrl: e.SMTP_URL, from: e.MAIL_FROM }) : null,
    stripeMaxRps: e.STRIPE_MAX_RPS,
  };
  return Object.freeze(config);
}
