import type { Config } from '../src/config/load-config';
import type { Logger } from '../src/lib/logger';
import type { Infra } from '../src/infra/infra';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; required?: boolean; description: string }>;
export type Flags = Record<string, string | boolean | undefined>;

export interface CommandContext {
  config: Config;
  logger: Logger;
  /** Opens (and migrates) the catalog and shards on first use. */
  infra(): Promise<Infra>;
  json: boolean;
  /** Human output (stdout); suppressed under --json. */
  say(line: string): void;
}

/** One operations command. `run` returns what `--json` prints. */
export interface Command {
  name: string;
  summary: string;
  flags: FlagSpec;
  run(ctx: CommandContext, flags: Flags): Promise<unknown>;
}

/** A failure the operator can fix; printed as one line without a stack. */
export class UsageError extends Error {}

export const str = (flags: Flags, name: string): string | undefined => {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
};

export const requireStr = (flags: Flags, name: string): string => {
  const v = str(flags, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
};
