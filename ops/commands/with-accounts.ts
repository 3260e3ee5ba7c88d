import { ZodError } from 'zod';
import { type AccountServices, createAccounts } from '../../src/accounts';
import { type CommandContext, UsageError } from '../command';

/**
 * Runs an accounts operation for a command: invalid input becomes a one-line usage error
 * naming the fields (never their values: they may be passwords), not a stack trace.
 */
export async function withAccounts<T>(ctx: CommandContext, fn: (accounts: AccountServices) => Promise<T>): Promise<T> {
  const accounts = createAccounts(await ctx.infra());
  try {
    return await fn(accounts);
  } catch (e) {
    if (e instanceof ZodError) {
      const flag = (path: PropertyKey[]) => `--${String(path[0] ?? 'input').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(e.issues.map((i) => `${flag(i.path)}: ${i.message}`).join(' '));
    }
    throw e;
  } finally {
    accounts.close();
  }
}
