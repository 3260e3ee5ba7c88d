import { type Command, requireStr, str } from '../command';
import { withAccounts } from './with-accounts';

export const tokenCreateCommand: Command = {
  name: 'token:create',
  summary: 'create a bearer API token for a user (printed once)',
  flags: {
    email: { type: 'string', required: true, description: "the user's login email" },
    password: { type: 'string', required: true, description: "the user's password (it unlocks the organiser data key)" },
    label: { type: 'string', description: 'a label to recognise the token by' },
    organiser: { type: 'string', description: 'organiser slug; needed only when the user belongs to several' },
  },
  async run(ctx, flags) {
    return withAccounts(ctx, async (accounts) => {
      const { token, organiserId } = await accounts.tokens.createToken({
        email: requireStr(flags, 'email'),
        password: requireStr(flags, 'password'),
        organiserSlug: str(flags, 'organiser'),
        label: str(flags, 'label'),
      });
      ctx.say(token);
      ctx.say(organiserId === null ? '(platform-only token; store it now, it is not shown again)' : '(store it now, it is not shown again)');
      return { token };
    });
  },
};
