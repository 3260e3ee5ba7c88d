import { schemaVersion } from '../db/migrator';
import { credentialFailure } from '../db/sql-errors';
import type { Infra } from './infra';

export interface HealthReport {
  status: 'ok' | 'degraded';
  catalog: { ok: boolean; schemaVersion?: number; error?: string };
  shards: Array<{ name: string; ok: boolean; schemaVersion: number; status: string; error?: string }>;
}

const HEALTH_TIMEOUT_MS = 2000;

/** What /healthz says instead of a driver's error text (which can name hosts, paths and SQL). */
const NEUTRAL = { unreachable: 'did not answer', migration: 'migration failed: see the logs and run `npm run ops -- migrate`' };

const withTimeout = <T>(p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), HEALTH_TIMEOUT_MS).unref())]);

/** Asks the catalog and every shard a trivial question; a shard that fails migrations is not ok. */
export async function checkHealth(infra: Infra): Promise<HealthReport> {
  let catalog: HealthReport['catalog'];
  try {
    catalog = { ok: true, schemaVersion: await withTimeout(schemaVersion(infra.catalog)) };
  } catch (e) {
    infra.logger.error({ err: e }, 'health.catalog.failed');
    catalog = { ok: false, error: NEUTRAL.unreachable };
  }
  const records = catalog.ok ? await infra.router.refresh() : [];
  const shards = await Promise.all(
    records
      .filter((s) => s.status !== 'retired')
      .map(async (s) => {
        try {
          const db = await infra.pool.unwrapped(s);
          const breaker = infra.pool.breaker(s.name);
          const asked = Date.now();
          const version = await withTimeout(schemaVersion(db));
          // Answered within the deadline: the shard is back, even before the next buyer proves it.
          if (Date.now() - asked < breaker.deadlineMs) breaker.answered();
          // A shard that just outlived its deadline (its breaker tripped, and nothing has answered
          // in time since) is not ok, even if this one quick question got through.
          const ok = s.status === 'active' && breaker.healthy;
          infra.metrics.shardUp.set({ shard: s.name }, ok ? 1 : 0);
          return { name: s.name, ok, schemaVersion: version, status: s.status, ...(s.lastError ? { error: NEUTRAL.migration } : {}) };
        } catch (e) {
          infra.metrics.shardUp.set({ shard: s.name }, 0);
          // A refused token is not an outage that passes: error level, and a fixed reason.
          const refused = credentialFailure(e);
          if (refused) infra.logger.error({ shard: s.name, reason: refused }, 'health.shard.credentials_refused');
          else infra.logger.warn({ shard: s.name, err: e }, 'health.shard.failed');
          return { name: s.name, ok: false, schemaVersion: s.schemaVersion, status: s.status, error: refused ?? NEUTRAL.unreachable };
        }
      }),
  );
  const status = catalog.ok && shards.every((s) => s.ok) ? 'ok' : 'degraded';
  return { status, catalog, shards };
}

/** What anyone may see: ok or degraded, per shard, without errors or versions. */
export function publicHealth(h: HealthReport): { status: HealthReport['status']; catalog: { ok: boolean }; shards: Array<{ name: string; ok: boolean }> } {
  return { status: h.status, catalog: { ok: h.catalog.ok }, shards: h.shards.map((s) => ({ name: s.name, ok: s.ok })) };
}
