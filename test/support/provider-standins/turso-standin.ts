import type { HranaServer } from '../hrana';
import { type JsonReply, type JsonServer, startJsonServer } from './json-server';

export interface TursoStandinOptions {
  hrana: HranaServer;
  /** The platform API token callers must send as Bearer. */
  apiToken: string;
  org: string;
  groups: string[];
  /** Each group's primary location (default `ams`). */
  locations?: Record<string, string>;
  /** Databases the organisation may hold at once. */
  quota?: number;
}

export interface TursoStandin extends JsonServer {
  databases(): Array<{ name: string; group: string }>;
  breakNextDatabase(): void;
  /** Deletes answer 500 while set (a provider outage after the create). */
  failDeletes(on: boolean): void;
  /** The next request of that step answers 500 (the create makes nothing). */
  failNext(step: TursoStep): void;
  /** The next request of that step is done (a create creates) but never answered; resolves when it arrives. */
  holdNext(step: TursoStep): Promise<void>;
}

export type TursoStep = 'create' | 'token';

/**
 * A stateful stand-in for the documented Turso Platform API database endpoints (create in a
 * group, create a database token, delete, list groups with their locations), handing out databases on the Hrana test server.
 * `Hostname` is the Hrana server's host:port, so `libsql://<Hostname>?tls=0` reaches it.
 * Errors are `{ error }` with the statuses Turso's OpenAPI gives database create (400, 409):
 * 409 exists; 400 "group not found" (the spec's example); 400 for the plan's database count, in
 * the one wording of it reported publicly (turso-cli issue #169), which says neither "limit"
 * nor "quota".
 */
export async function startTursoStandin(opts: TursoStandinOptions): Promise<TursoStandin> {
  const dbs = new Map<string, { name: string; group: string; token: string; hranaName: string | null }>();
  let breakNext = false;
  let deletesFail = false;
  const failing = new Set<TursoStep>();
  const holding = new Map<TursoStep, () => void>();
  const fault = (step: TursoStep, reply: JsonReply): JsonReply | Promise<JsonReply> => {
    const arrived = holding.get(step);
    if (!arrived) return reply;
    holding.delete(step);
    arrived();
    return new Promise<JsonReply>(() => {});
  };
  const failed = (step: TursoStep) => failing.delete(step);
  const hranaHost = new URL(opts.hrana.url).host;
  const err = (status: number, error: string): JsonReply => ({ status, body: { error } });
  const server = await startJsonServer(({ method, path, headers, body, query }) => {
    if (headers.authorization !== `Bearer ${opts.apiToken}`) return err(401, 'token is invalid');
    if (path === `/v1/organizations/${opts.org}/groups` && method === 'GET') {
      const groups = opts.groups.map((name) => {
        const at = opts.locations?.[name] ?? 'ams';
        return { name, primary: at, locations: [at], version: 'v0.24', uuid: `group-${name}` };
      });
      return { status: 200, body: { groups } };
    }
    const m = /^\/v1\/organizations\/([^/]+)\/databases(?:\/([^/]+))?(\/auth\/tokens)?$/.exec(path);
    if (!m || m[1] !== opts.org) return err(404, 'organization not found');
    const [, , name, tokens] = m;
    if (!name && method === 'GET') return { status: 200, body: { databases: [...dbs.values()].map((d) => ({ Name: d.name, DbId: `db-${d.name}`, group: d.group })) } };
    if (!name && method === 'POST') {
      if (failed('create')) return err(500, 'internal error');
      const b = body as { name?: string; group?: string };
      if (!b?.name || !/^[a-z0-9-]{1,64}$/.test(b.name)) return err(400, 'invalid database name');
      if (!b.group || !opts.groups.includes(b.group)) return err(400, 'group not found');
      if (dbs.has(b.name)) return err(409, `database ${b.name} already exists`);
      if (opts.quota !== undefined && dbs.size >= opts.quota) return err(400, `maximum database count of ${opts.quota} reached`);
      let token: string;
      let hranaName: string | null = null;
      let host = hranaHost;
      if (breakNext) {
        breakNext = false;
        host = '127.0.0.1:1';
        token = 'no-such-database';
      } else {
        hranaName = `turso-${b.name}`;
        token = opts.hrana.createDatabase(hranaName).authToken;
      }
      dbs.set(b.name, { name: b.name, group: b.group, token, hranaName });
      return fault('create', { status: 200, body: { database: { DbId: `db-${b.name}`, Hostname: host, Name: b.name } } });
    }
    const db = name ? dbs.get(name) : undefined;
    if (!db) return err(404, 'database not found');
    if (tokens && method === 'POST') {
      const authz = query.get('authorization') ?? 'full-access';
      if (authz !== 'full-access' && authz !== 'read-only') return err(400, 'invalid authorization');
      if (failed('token')) return err(500, 'internal error');
      return fault('token', { status: 200, body: { jwt: db.token } });
    }
    if (!tokens && method === 'DELETE') {
      if (deletesFail) return err(500, 'internal error');
      dbs.delete(db.name);
      if (db.hranaName) opts.hrana.deleteDatabase(db.hranaName);
      return { status: 200, body: { database: db.name } };
    }
    return err(405, 'method not allowed');
  });
  return {
    ...server,
    databases: () => [...dbs.values()].map(({ name, group }) => ({ name, group })),
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
