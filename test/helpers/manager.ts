import { type LoggedIn, login, type Tenant } from './accounts';
import type { TestApp } from './test-app';

export interface Manager extends LoggedIn {
  email: string;
  token: string;
}

/** A manager of the tenant, invited by the owner and joined through the invite code (as by link). */
export async function createManager(app: TestApp, tenant: Tenant, email = `manager@${tenant.organiser.slug}.example`, password = 'manager password 1'): Promise<Manager> {
  const { invites, sessions, tokens } = app.services.accounts;
  const owner = await sessions.resolveSession(tenant.secret);
  if (!owner) throw new Error('owner session did not resolve');
  const { code } = await invites.create(owner, { email, role: 'manager' });
  await invites.accept(code, password);
  const session = await login(app, email, password);
  const principal = await sessions.resolveSession(session.secret);
  if (!principal) throw new Error('manager session did not resolve');
  const { token } = await tokens.createForPrincipal(principal, 'manager token');
  return { ...session, email, token };
}
