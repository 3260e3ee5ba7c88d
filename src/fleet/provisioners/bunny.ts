import { providerJson } from './provider-http';
import { LeftOverDatabaseError, ProvisionError, type Provisioner } from './provisioner';

export interface BunnySettings {
  apiKey: string | undefined;
  /** e.g. https://api.bunny.net/database (BUNNY_API_BASE) */
  apiBase: string;
  /** Default primary region (BUNNY_REGION). */
  region: string;
}

/**
 * Bunny Database (v2 API, `AccessKey` header): create the database in one primary region,
 * read its libSQL URL, and generate a full-access token that does not expire (tokens are shown
 * once; ours is sealed into the catalog).
 */
export function bunnyProvisioner(s: BunnySettings): Provisioner {
  const apiKey = s.apiKey;
  const call = <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, doing: string, body?: unknown) => {
    if (!apiKey) throw new ProvisionError('not_configured', 'BUNNY_API_KEY is not set: --provider bunny needs the account API key');
    return providerJson<T>({ provider: 'Bunny', method, url: `${s.apiBase}${path}`, headers: { AccessKey: apiKey }, body, doing });
  };
  const checkRegion = async (region: string) => {
    const config = await call<{ primary_regions?: Array<{ id?: string }> }>('GET', '/v1/config', 'list the primary regions');
    const ids = (config.primary_regions ?? []).map((r) => r.id).filter((id): id is string => typeof id === 'string');
    if (!ids.includes(region)) throw new ProvisionError('unknown_region', `Bunny has no primary region ${region}; its regions are ${ids.join(', ') || 'not listed'}`);
  };
  return {
    provider: 'bunny',
    created: true,
    async provision(name, opts) {
      const region = opts.region ?? s.region;
      // An explicit region is checked against the account's list, so a typo is named, not a vague 400.
      if (opts.region) await checkRegion(opts.region);
      const created = await call<{ db_id?: string }>('POST', '/v2/databases', `create database ${name}`, {
        name,
        storage_region: region,
        primary_regions: [region],
        replicas_regions: [],
      });
      const id = created.db_id;
      if (!id) throw new ProvisionError('provider_error', `Bunny created database ${name} but returned no db_id`);
      try {
        await opts.onCreated?.(id);
        const read = await call<{ db?: { url?: string } }>('GET', `/v2/databases/${encodeURIComponent(id)}`, `read database ${name}`);
        const url = read.db?.url;
        if (!url) throw new ProvisionError('provider_error', `Bunny returned no URL for database ${name}`);
        const token = await call<{ token?: string }>('PUT', `/v2/databases/${encodeURIComponent(id)}/auth/generate`, `generate a token for ${name}`, {
          authorization: 'full-access',
          expires_at: null,
        });
        if (!token.token) throw new ProvisionError('provider_error', `Bunny returned no token for database ${name}`);
        return { url, authToken: token.token, remoteId: id };
      } catch (e) {
        // Created but unusable: delete it again rather than leave a database nobody knows of;
        // when that fails too, say so (the caller keeps it recorded for shard:cleanup).
        try {
          await call('DELETE', `/v2/databases/${encodeURIComponent(id)}`, `delete database ${name}`);
        } catch (d) {
          throw new LeftOverDatabaseError(id, e, d);
        }
        throw e;
      }
    },
    async destroy(db) {
      if (db.remoteId) await call('DELETE', `/v2/databases/${encodeURIComponent(db.remoteId)}`, `delete database ${db.remoteId}`);
    },
    async findDatabase(name) {
      // Clean-up after a crash before the db_id was recorded: the account's list, by name.
      const list = await call<{ databases?: Array<{ id?: string; name?: string }> }>('GET', '/v2/databases', `list databases to find ${name}`);
      return list.databases?.find((d) => d.name === name)?.id;
    },
  };
}
