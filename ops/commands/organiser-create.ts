import { type Command, requireStr } from '../command';
import { withAccounts } from './with-accounts';

export const organiserCreateCommand: Command = {
  name: 'organiser:create',
  summary: 'create an organiser (tenant) with its owner user and RSA key pair',
  flags: {
    name: { type: 'string', required: true, description: 'display name' },
    slug: { type: 'string', required: true, description: 'unique slug: lower-case letters, digits and dashes' },
    'owner-email': { type: 'string', required: true, description: "owner's login email (an existing user must give their own password)" },
    'owner-password': { type: 'string', required: true, description: "owner's password (at least 8 characters)" },
  },
  async run(ctx, flags) {
    return withAccounts(ctx, async (accounts) => {
      const created = await accounts.organisers.createOrganiser({
        name: requireStr(flags, 'name'),
        slug: requireStr(flags, 'slug'),
        ownerEmail: requireStr(flags, 'owner-email'),
        ownerPassword: requireStr(flags, 'owner-password'),
      });
      ctx.say(`organiser ${created.slug} (id ${created.id}) created; its owner logs in at ${ctx.config.publicUrl}/admin/login`);
      return { id: created.id, slug: created.slug };
    });
  },
};
