import { providerJson } from './provider-http';
import { LeftOverDatabaseError, ProvisionError, type Provisioner } from './provisioner';

export interface TursoSettings {
  apiToken: string | undefined;
  org: string | undefined;
  /** The group new databases join (TURSO_GROUP); its location is the database's. */
  group: string;
  /** e.g. https://api.turso.tech (TURSO_API_BASE) */
  apiBase: string;
}

/** Turso's OpenAPI answers a missing group with 400 "group not found"; 404 kept for older deployments. */
const isGroupNotFound = (status: number, message: string): boolean => (status === 400 || status === 404) && /group\b.*not found/i.test(message);

/**
 * Turso Platform API (Bearer platform token): create a database in the group, then a
 * full-access database token. The client URL is `libsql://<Hostname>`; against a plaintext
 * API base (a local server in development and tests) the database is plaintext too (`tls=0`).
 */
export function tursoProvisioner(s: TursoSettings): Provisioner {
  const call = <T>(method: 'GET' | 'POST' | 'DELETE', path: string, doing: string, body?: unknown) => {
    if (!s.apiToken || !s.org) throw new ProvisionError('not_configured', 'TURSO_API_TOKEN and TURSO_ORG must be set for --provider turso');
    return providerJson<T>(
      { provider: 'Turso', method, url: `${s.apiBase}/v1/organizations/${encodeURIComponent(s.org)}${path}`, headers: { Authorization: `Bearer ${s.apiToken}` }, body, doing },
      (status, message) => (isGroupNotFound(status, message) ? new ProvisionError('provider_error', `Turso has no group ${s.group}: create it or set TURSO_GROUP`) : undefined),
    );
  };
  const plaintext = s.apiBase.startsWith('http:');
  /**
   * In Turso a database's location is its group's (create takes `group`, not a location): a
   * region picks the organisation's group whose primary location it is, TURSO_GROUP first.
   */
  const groupIn = async (location: string): Promise<string> => {
    const listed = await call<{ groups?: Array<{ name?: string; primary?: string; locations?: string[] }> }>('GET', '/groups', 'list the groups');
    const groups = (listed.groups ?? []).filter((g): g is { name: string; primary?: string } => typeof g.name === 'string');
    const inLocation = groups.filter((g) => g.primary === location);
    const chosen = inLocation.find((g) => g.name === s.group) ?? inLocation[0];
    if (!chosen) {
      const known = groups.map((g) => `${g.name} (${g.primary ?? '?'})`).join(', ');
      throw new ProvisionError('unknown_region', `Turso has no group in location ${location}: create one there first (groups: ${known || 'none'})`);
    }
    return chosen.name;
  };
  return {
    provider: 'turso',
    created: true,
    async provision(name, opts) {
      const group = opts.region ? await groupIn(opts.region) : s.group;
      const created = await call<{ database?: { Hostname?: string; Name?: string } }>('POST', '/databases', `create database ${name}`, { name, group });
      const host = created.database?.Hostname;
      if (!host) throw new ProvisionError('provider_error', `Turso created database ${name} but returned no Hostname`);
      try {
        await opts.onCreated?.(name);
        const token = await call<{ jwt?: string }>('POST', `/databases/${encodeURIComponent(name)}/auth/tokens?authorization=full-access`, `create a token for ${name}`);
        if (!token.jwt) throw new ProvisionError('provider_error', `Turso returned no token for database ${name}`);
        return { url: `libsql://${host}${plaintext ? '?tls=0' : ''}`, authToken: token.jwt, remoteId: name };
      } catch (e) {
        // Created but unusable: delete it again; when that fails too, say so (kept for shard:cleanup).
        try {
          await call('DELETE', `/databases/${encodeURIComponent(name)}`, `delete database ${name}`);
        } catch (d) {
          throw new LeftOverDatabaseError(name, e, d);
        }
        throw e;
      }
    },
    async destroy(db) {
      if (db.remoteId) await call('DELETE', `/databases/${encodeURIComponent(db.remoteId)}`, `delete database ${db.remoteId}`);
    },
    async findDatabase(name) {
      // Clean-up after a crash: does the organisation hold a database of that name?
      const list = await call<{ databases?: Array<{ Name?: string }> }>('GET', '/databases', `list databases to find ${name}`);
      return list.databases?.some((d) => d.Name === name) ? name : undefined;
    },
  };
}
