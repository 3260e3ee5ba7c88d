import { randomUUID } from 'node:crypto';
import type { HranaServer } from '../hrana';
import { type JsonReply, type JsonServer, startJsonServer } from './json-server';

export interface BunnyStandinOptions {
  hrana: HranaServer;
  /** The account key callers must send in `AccessKey`. */
  apiKey: string;
  /** Databases the account may hold at once. */
  quota?: number;
}

export interface BunnyStandin extends JsonServer {
  /** Base URL for BUNNY_API_BASE (the `/database` prefix as on api.bunny.net). */
  apiBase: string;
  databases(): Array<{ id: string; name: string; primaryRegions: string[] }>;
  /** The next created database hands out a URL where nothing listens (an unreachable primary). */
  breakNextDatabase(): void;
  /** Deletes answer 500 while set (a provider outage after the create). */
  failDeletes(on: boolean): void;
  /** The next request of that step answers 500 (the create makes nothing). */
  failNext(step: BunnyStep): void;
  /** The next request of that step is done (a create creates) but never answered; resolves when it arrives. */
  holdNext(step: BunnyStep): Promise<void>;
}

export type BunnyStep = 'create' | 'read' | 'token';

/**
 * A stateful stand-in for the documented Bunny Database v2 endpoints (create, read, token,
 * delete, list, and the regions of `GET /v1/config`), handing out databases on the Hrana test server. As Bunny Database's published
 * spec gives them: errors are `{ error, details? }` (not the general bunny.net API's
 * `{ ErrorKey, Message }`), create answers 200 `{db_id}`, delete 200 `{db_id}`.
 */
export async function startBunnyStandin(opts: BunnyStandinOptions): Promise<BunnyStandin> {
  const dbs = new Map<string, { id: string; name: string; primaryRegions: string[]; url: string; token: string; hranaName: string | null }>();
  let breakNext = false;
  let deletesFail = false;
  const failing = new Set<BunnyStep>();
  const holding = new Map<BunnyStep, () => void>();
  /** A fault injected on this step: a 500 now, or the reply withheld (after doing the work). */
  const fault = (step: BunnyStep, reply: JsonReply): JsonReply | Promise<JsonReply> => {
    const arrived = holding.get(step);
    if (arrived) {
      holding.delete(step);
      arrived();
      return new Promise<JsonReply>(() => {});
    }
    return reply;
  };
  const failed = (step: BunnyStep) => failing.delete(step);
  const err = (status: number, error: string, details?: string): JsonReply => ({ status, body: details === undefined ? { error } : { error, details } });
  const server = await startJsonServer(({ method, path, headers, body }) => {
    if (headers.accesskey !== opts.apiKey) return err(401, 'Unauthorized', 'Invalid AccessKey');
    if (path === '/database/v1/config' && method === 'GET') {
      const region = (id: string, name: string) => ({ id, name, group: 'EU' });
      return { status: 200, body: { primary_regions: [region('DE', 'Frankfurt'), region('UK', 'London'), region('SE', 'Stockholm')], replica_regions: [], storage_region_available: [] } };
    }
    const m = /^\/database\/v2\/databases(?:\/([^/]+))?(\/auth\/generate)?$/.exec(path);
    if (!m) return err(404, 'Not found', 'No such endpoint');
    const [, id, generate] = m;
    if (!id && method === 'POST') {
      if (failed('create')) return err(500, 'Internal server error');
      const b = body as { name?: string; storage_region?: string; primary_regions?: string[]; replicas_regions?: string[] };
      if (!b?.name || !Array.isArray(b.primary_regions) || b.primary_regions.length === 0) return err(400, 'Invalid request', 'name and primary_regions are required');
      if ([...dbs.values()].some((d) => d.name === b.name)) return err(409, 'A database with this name already exists');
      // A guess: Bunny documents no answer for a full account, so status and wording are ours;
      // only the body shape is the documented one. The product keeps a wording heuristic for it.
      if (opts.quota !== undefined && dbs.size >= opts.quota) return err(400, 'Database limit reached', `This account may hold ${opts.quota} databases`);
      const dbId = randomUUID();
      let url: string;
      let token: string;
      let hranaName: string | null = null;
      if (breakNext) {
        breakNext = false;
        url = 'http://127.0.0.1:1';
        token = 'no-such-database';
      } else {
        hranaName = `bunny-${b.name}`;
        const handle = opts.hrana.createDatabase(hranaName);
        url = handle.url;
        token = handle.authToken;
      }
      dbs.set(dbId, { id: dbId, name: b.name, primaryRegions: b.primary_regions, url, token, hranaName });
      return fault('create', { status: 200, body: { db_id: dbId } });
    }
    if (!id && method === 'GET') {
      return { status: 200, body: { databases: [...dbs.values()].map((d) => ({ id: d.id, name: d.name, url: d.url })), page_info: { has_more_items: false } } };
    }
    const db = id ? dbs.get(id) : undefined;
    if (!db) return err(404, 'Database not found');
    if (generate && method === 'PUT') {
      const b = body as { authorization?: string };
      if (b?.authorization !== 'full-access' && b?.authorization !== 'read-only') return err(400, 'Invalid request', 'authorization must be full-access or read-only');
      if (failed('token')) return err(500, 'Internal server error');
      return fault('token', { status: 200, body: { token: db.token, expires_at: null } });
    }
    if (!generate && method === 'GET') {
      if (failed('read')) return err(500, 'Internal server error');
      return fault('read', { status: 200, body: { db: { id: db.id, name: db.name, url: db.url } } });
    }
    if (!generate && method === 'DELETE') {
      if (deletesFail) return err(500, 'Internal server error');
      dbs.delete(db.id);
      if (db.hranaName) opts.hrana.deleteDatabase(db.hranaName);
      return { status: 200, body: { db_id: db.id } };
    }
    return err(405, 'Method not allowed');
  });
  return {
    ...server,
    apiBase: `${server.url}/database`,
    databases: () => [...dbs.values()].map(({ id, name, primaryRegions }) => ({ id, name, primaryRegions })),
    breakNextDatabase: () => {
      breakNext = true;
    },
    failDeletes: (on) => {
      deletesFail = on;
    },
    failNext: (step) => {
      failing.add(step);
    },
    holdNext: (step) => new Promise<void>((r) => holding.set(step, r)),
  };
}
