import { type Command, requireStr } from '../command';
import { withAccounts } from './with-accounts';

export const adminCreateCommand: Command = {
  name: 'admin:create',
  summary: 'create a platform admin (or promote an existing user, proven by their password)',
  flags: {
    email: { type: 'string', required: true, description: 'login email' },
    password: { type: 'string', required: true, description: 'password (at least 8 characters)' },
  },
  async run(ctx, flags) {
    return withAccounts(ctx, async (accounts) => {
      const { id } = await accounts.admins.createPlatformAdmin(requireStr(flags, 'email'), requireStr(flags, 'password'));
      ctx.say(`platform admin ${id} ready; log in at ${ctx.config.publicUrl}/admin/login`);
      return { id };
    });
  },
};
