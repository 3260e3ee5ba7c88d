import { z } from 'zod';

/** Every environment variable of CONTRACT.md, parsed once at start-up. */
const intFromEnv = (def: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .optional()
    .transform((v) => v ?? def);

const dbUrl = z
  .string()
  .trim()
  .refine((v) => /^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/.test(v), 'must start with file:, libsql://, https:// or wss://');

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const onOff = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['0', '1', 'true', 'false', 'on', 'off', 'yes', 'no'].includes(v), 'must be 1 or 0')
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  PORT: intFromEnv(3000, 0, 65535),
  HOST: z.string().trim().min(1, 'must not be empty').optional().default('127.0.0.1'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .optional()
    .transform((v) => v?.replace(/\/+$/, '')),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').optional().default('./shards'),
  CATALOG_URL: dbUrl.optional(),
  CATALOG_AUTH_TOKEN: z.string().trim().min(1, 'must not be empty when set').optional(),
  ROOT_KEY: z.string().trim().optional(),
  STRIPE_API_BASE: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  SQUARE_API_BASE: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  SHARD_WRITE_MODE: z.enum(['coalesce', 'direct']).optional().default('coalesce'),
  SHARD_SIM_RTT_MS: intFromEnv(0, 0, 10_000),
  SHARD_SIM_COMMIT_MS: intFromEnv(0, 0, 10_000),
  LOG_LEVEL: logLevel.optional().default('info'),
  /** Bookings one flush may carry (group commit cap). */
  COALESCE_MAX_BATCH: intFromEnv(256, 1, 10_000),
  /** Longest a buyer should wait in a shard queue before getting 503 busy. */
  QUEUE_TARGET_WAIT_MS: intFromEnv(2000, 10, 60_000),
  /** Bunny Database: account key (`AccessKey` header), API base and primary region for `--provider bunny`. */
  BUNNY_API_KEY: z.string().trim().min(1, 'must not be empty when set').optional(),
  BUNNY_API_BASE: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional().default('https://api.bunny.net/database'),
  BUNNY_REGION: z.string().trim().regex(/^[A-Za-z0-9-]{1,16}$/, 'must be a region id such as DE').optional().default('DE'),
  /** Turso Platform API: token, organisation slug, group and API base for `--provider turso`. */
  TURSO_API_TOKEN: z.string().trim().min(1, 'must not be empty when set').optional(),
  TURSO_ORG: z.string().trim().regex(/^[a-z0-9-]{1,64}$/, 'must be a Turso organisation slug').optional(),
  TURSO_GROUP: z.string().trim().regex(/^[a-z0-9-]{1,64}$/, 'must be a Turso group name').optional().default('default'),
  TURSO_API_BASE: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional().default('https://api.turso.tech'),
  /** Longest a shard call may take: past it the buyer hears 503 and the shard's breaker trips. */
  SHARD_DEADLINE_MS: intFromEnv(2000, 100, 60_000),
  /** Write batches in flight per shard per process (group commit pipelining). */
  SHARD_MAX_INFLIGHT: intFromEnv(4, 1, 64),
  /** Where new events go among shared shards: the fewest events, or the least live write load. */
  PLACEMENT_POLICY: z.enum(['fewest-events', 'least-load']).optional().default('fewest-events'),
  /** Hours an old shard keeps a moved-away event's rows before they are purged (0: only by `ops shard:purge-moved`). */
  MOVED_COPY_RETENTION_HOURS: intFromEnv(24, 0, 24 * 365),
  /** App processes behind the one port (node:cluster). */
  WEB_CONCURRENCY: intFromEnv(1, 1, 64),
  /** Checkout Session creations per second per Stripe account (Stripe allows ~25/s per endpoint). */
  STRIPE_MAX_RPS: intFromEnv(20, 1, 10_000),
  /** Minutes a paid booking holds its tickets while the buyer pays. */
  HOLD_TTL_MINUTES: intFromEnv(15, 1, 24 * 60),
  /** How long an outbox row claimed by a worker stays its own; a crashed process's rows come back after it. */
  OUTBOX_LEASE_MS: intFromEnv(60_000, 500, 3_600_000),
  /** Bearer token for /metrics and detailed /healthz. */
  METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').max(512, 'must be at most 512 characters').optional(),
  /** Off, a hop count, or a comma list of addresses/CIDRs (and loopback, linklocal, uniquelocal). */
  TRUST_PROXY: z.string().trim().optional(),
  WEBHOOK_ALLOW_PRIVATE: onOff.optional(),
  HTTP_HEADERS_TIMEOUT_MS: intFromEnv(10_000, 100, 600_000),
  HTTP_REQUEST_TIMEOUT_MS: intFromEnv(30_000, 100, 3_600_000),
  HTTP_KEEPALIVE_TIMEOUT_MS: intFromEnv(5_000, 100, 600_000),
  HTTP_MAX_CONNECTIONS: intFromEnv(1024, 1, 1_000_000),
  /** Abuse limits per minute (0 = off); defaults apply in production, off otherwise. */
  BOOKING_LIMIT_PER_IP: intFromEnv(-1, 0, 1_000_000),
  BOOKING_LIMIT_PER_EMAIL: intFromEnv(-1, 0, 1_000_000),
  LOGIN_LIMIT_PER_IP: intFromEnv(-1, 0, 1_000_000),
  /** Outgoing mail: both or neither; without them no mail is sent. */
  SMTP_URL: z
    .string()
    .trim()
    .refine((v) => /^smtps?:\/\/[^\s/]+/.test(v), 'must be smtp://user:pass@host:port or smtps://…')
    .optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .refine((v) => /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(v), 'must be an address such as tickets@example.com or "Name <tickets@example.com>"')
    .optional(),
});

export type Env = z.infer<typeof envSchema>;
export type WriteMode = Env['SHARD_WRITE_MODE'];
