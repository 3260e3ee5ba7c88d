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
  /** Write batches in flight per shard per process (group commit pipelining). */
  SHARD_MAX_INFLIGHT: intFromEnv(4, 1, 64),
  /** Where new events go among shared shards: the fewest events, or the least live write load. */
  PLACEMENT_POLICY: z.enum(['fewest-events', 'least-load']).optional().default('fewest-events'),
  /** App processes behind the one port (node:cluster). */
  WEB_CONCURRENCY: intFromEnv(1, 1, 64),
  /** Minutes a paid booking holds its tickets while the buyer pays. */
  HOLD_TTL_MINUTES: intFromEnv(15, 1, 24 * 60),
});

export type Env = z.infer<typeof envSchema>;
export type WriteMode = Env['SHARD_WRITE_MODE'];
