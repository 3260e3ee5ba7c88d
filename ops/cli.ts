import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from '../src/config/load-config';
import { isAppError } from '../src/errors';
import { openInfra, type Infra } from '../src/infra/infra';
import { type Command, type CommandContext, type Flags, UsageError } from './command';
import { COMMANDS } from './commands';

function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(20)} ${c.summary}`);
  return `usage: npm run ops -- <command> [--flags] [--json]\n\ncommands:\n${lines.join('\n')}\n`;
}

function commandHelp(c: Command): string {
  const flags = Object.entries(c.flags).map(([n, f]) => `  --${n}${f.type === 'string' ? ' <value>' : ''}${f.required ? ' (required)' : ''}  ${f.description}`);
  return `usage: npm run ops -- ${c.name} [--json]\n${c.summary}\n${flags.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  // Backups, keys and database files this command creates are for their owner only.
  process.umask(0o077);
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"\n${usage()}`);
  const options = Object.fromEntries([
    ...Object.entries(command.flags).map(([n, f]) => [n, { type: f.type }] as const),
    ['json', { type: 'boolean' }] as const,
    ['help', { type: 'boolean' }] as const,
  ]);
  let parsed: Flags;
  try {
    parsed = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Flags;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${commandHelp(command)}`);
  }
  if (parsed.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  for (const [n, f] of Object.entries(command.flags)) {
    if (f.required && (parsed[n] === undefined || parsed[n] === '')) throw new UsageError(`--${n} is required\n${commandHelp(command)}`);
  }
  const json = parsed.json === true;
  const config = loadConfig(process.env, (m) => process.stderr.write(`warning: ${m}\n`));
  // Logs go to stderr so that --json leaves stdout to the JSON document alone.
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, base: undefined }, pino.destination(2));
  let infra: Infra | undefined;
  const ctx: CommandContext = {
    config,
    logger,
    json,
    async infra() {
      infra ??= await openInfra(config, logger);
      return infra;
    },
    say(line) {
      if (!json) process.stdout.write(`${line}\n`);
    },
  };
  try {
    const result = await command.run(ctx, parsed);
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await infra?.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  // A command may set a non-zero exitCode while still printing its JSON (e.g. a failed shard).
  (code) => process.exit(typeof process.exitCode === "number" && process.exitCode !== 0 ? process.exitCode : code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ConfigError || isAppError(e)) process.stderr.write(`ops: ${(e as Error).message}\n`);
    else process.stderr.write(`ops: failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(isAppError(e) || e instanceof UsageError || e instanceof ConfigError ? 2 : 1);
  },
);
