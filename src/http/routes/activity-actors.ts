import { openEmail } from '../../accounts/inputs';
import type { AppServices } from '../../app/services';

/** The emails of the users who made logged changes (each looked up once per page). */
export async function actorNames(services: AppServices, ids: Array<number | null>): Promise<Map<number, string>> {
  const unique = [...new Set(ids.filter((i): i is number => i !== null))];
  const found = await Promise.all(unique.map(async (id) => [id, await services.accounts.users.get(id)] as const));
  const names = new Map<number, string>();
  for (const [id, user] of found) if (user) names.set(id, openEmail(services.infra.keyring, user.sealedEmail, 'user-email'));
  return names;
}
