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
}

/**
 * A stateful stand-in for the documented Bunny Database v2 endpoints (create, read, token,
 * delete, list, and the regions of `GET /v1/config`), handing out databases on the Hrana test server. Errors follow Bunny's
 * `{ ErrorKey, Message }` shape with the statuses it uses (401 bad key, 409 name taken,
 * 400 limit reached).
 */
export async function startBunnyStandin(opts: BunnyStandinOptions): Promise<BunnyStandin> {
  const dbs = new Map<string, { id: string; name: string; primaryRegions: string[]; url: string; token: string; hranaName: string | null }>();
  let breakNext = false;
  let deletesFail = false;
  const err = (status: number, key: string, message: string): JsonReply => ({ status, body: { ErrorKey: key, Message: message } });
  const server = await startJsonServer(({ method, path, headers, body }) => {
    if (headers.accesskey !== opts.apiKey) return err(401, 'unauthorized', 'Invalid AccessKey');
    if (path === '/database/v1/config' && method === 'GET') {
      const region = (id: string, name: string) => ({ id, name, group: 'EU' });
      return { status: 200, body: { primary_regions: [region('DE', 'Frankfurt'), region('UK', 'London'), region('SE', 'Stockholm')], replica_regions: [], storage_region_available: [] } };
    }
    const m = /^\/database\/v2\/databases(?:\/([^/]+))?(\/auth\/generate)?$/.exec(path);
    if (!m) return err(404, 'not_found', 'No such endpoint');
    const [, id, generate] = m;
    if (!id && method === 'POST') {
      const b = body as { name?: string; storage_region?: string; primary_regions?: string[]; replicas_regions?: string[] };
      if (!b?.name || !Array.isArray(b.primary_regions) || b.primary_regions.length === 0) return err(400, 'validation', 'name and primary_regions are required');
      if ([...dbs.values()].some((d) => d.name === b.name)) return err(409, 'database.name_taken', 'A database with this name already exists');
      if (opts.quota !== undefined && dbs.size >= opts.quota) return err(400, 'database.limit_reached', 'Database limit reached for this account');
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
      return { status: 201, body: { db_id: dbId } };
    }
    if (!id && method === 'GET') {
      return { status: 200, body: { databases: [...dbs.values()].map((d) => ({ id: d.id, name: d.name, url: d.url })), page_info: { has_more_items: false } } };
    }
    const db = id ? dbs.get(id) : undefined;
    if (!db) return err(404, 'database.not_found', 'Database not found');
    if (generate && method === 'PUT') {
      const b = body as { authorization?: string };
      if (b?.authorization !== 'full-access' && b?.authorization !== 'read-only') return err(400, 'validation', 'authorization must be full-access or read-only');
      return { status: 200, body: { token: db.token, expires_at: null } };
    }
    if (!generate && method === 'GET') return { status: 200, body: { db: { id: db.id, name: db.name, url: db.url } } };
    if (!generate && method === 'DELETE') {
      if (deletesFail) return err(500, 'internal', 'Internal server error');
      dbs.delete(db.id);
      if (db.hranaName) opts.hrana.deleteDatabase(db.hranaName);
      return { status: 204 };
    }
    return err(405, 'method_not_allowed', 'Method not allowed');
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
  };
}
