import type { Provisioner } from './provisioner';

/**
 * Registers a database that already exists (any libSQL URL, e.g. one made in a provider's
 * console). It is the operator's database: never deleted by us, and registered even when its
 * migration fails (marked `migration_failed`, never written to) so the fleet migrator retries it.
 */
export function staticProvisioner(url: string, authToken: string | null): Provisioner {
  return {
    provider: 'static',
    created: false,
    async provision() {
      return { url, authToken };
    },
    async destroy() {},
  };
}
