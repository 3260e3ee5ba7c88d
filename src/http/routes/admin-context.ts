import type { Principal } from '../../accounts/principal';
import type { AppServices } from '../../app/services';
import type { AdminContext } from '../views/admin-layout';

/** Navigation data of an admin page: current organiser (name, role) and the ones to switch to. */
export async function loadAdminContext(services: AppServices, principal: Principal, currentPath?: string): Promise<AdminContext> {
  const { organisers } = services.infra;
  const [current, targets] = await Promise.all([
    principal.organiser ? organisers.get(principal.organiser.id) : Promise.resolve(undefined),
    services.accounts.sessions.switchTargets(principal),
  ]);
  const [switchable, disabledWebhooks] = await Promise.all([
    Promise.all(targets.map((id) => organisers.get(id))),
    principal.organiser ? services.infra.webhookSecrets.disabled(principal.organiser.id) : Promise.resolve([]),
  ]);
  return {
    csrfToken: principal.session?.csrfToken ?? '',
    platformAdmin: principal.platformAdmin,
    organiser:
      current && principal.organiser ? { id: current.id, name: current.name, slug: current.slug, role: principal.organiser.role } : null,
    organisers: switchable.flatMap((o) => (o ? [{ id: o.id, name: o.name }] : [])),
    disabledWebhooks,
    ...(currentPath ? { currentPath } : {}),
  };
}
