import type { Config } from '../../config/load-config';
import type { ShardProvider } from '../../domain/inputs';
import { AppError } from '../../errors';
import { bunnyProvisioner } from './bunny';
import { localProvisioner } from './local';
import type { Provisioner } from './provisioner';
import { staticProvisioner } from './static';
import { tursoProvisioner } from './turso';

export { LeftOverDatabaseError, ProvisionError, type ProvisionedDatabase, type Provisioner, type ProvisionFailure, type ProvisionOptions } from './provisioner';

/** The catalog's file when it is a local one (the local provisioner must never touch it). */
const catalogFileOf = (url: string): string | null => (url.startsWith('file:') ? url.slice('file:'.length).replace(/^\/\//, '') : null);

/** The provisioner for a provider, from configuration (and, for `static`, the given URL). */
export function provisionerFor(provider: ShardProvider, config: Pick<Config, 'dataDir' | 'catalogUrl' | 'bunny' | 'turso'>, adopt: { url?: string; authToken?: string } = {}): Provisioner {
  switch (provider) {
    case 'local':
      return localProvisioner(config.dataDir, catalogFileOf(config.catalogUrl));
    case 'static':
      if (!adopt.url) throw new AppError('invalid_request', 'a static shard needs --url (and --auth-token for a remote database)');
      return staticProvisioner(adopt.url, adopt.authToken ?? null);
    case 'bunny':
      return bunnyProvisioner(config.bunny);
    case 'turso':
      return tursoProvisioner(config.turso);
    default: {
      const unknown: never = provider;
      throw new AppError('invalid_request', `unknown provider ${String(unknown)}`);
    }
  }
}
