import { SHARD_PROVIDERS, type ShardProvider } from '../../src/domain/inputs';
import { describeProgress } from '../../src/fleet/fleet-jobs';
import { type FleetProgress, FleetService } from '../../src/fleet/fleet-service';
import { type Command, type CommandContext, requireStr, str, UsageError } from '../command';
import { beforeRecordPause, progressPause } from './mover-pause';

/** The fleet service over the CLI's infra (no app caches to invalidate: app processes learn `moved` from the shard). */
async function fleetOf(ctx: CommandContext): Promise<FleetService> {
  const infra = await ctx.infra();
  return new FleetService({ ...infra, metrics: infra.metrics });
}

/** One line per step on the terminal (stderr under --json, so stdout stays JSON only). */
const progressLine = (ctx: CommandContext) => {
  const pause = progressPause();
  return (p: FleetProgress) => {
    const line = p.kind === 'move' ? `  ${describeProgress(p)}` : describeProgress(p);
    if (ctx.json) process.stderr.write(`${line}\n`);
    else ctx.say(line);
    return pause(p);
  };
};

export const eventMoveCommand: Command = {
  name: 'event:move',
  summary: 'move one event to another shard while it stays on sale; resumes an interrupted move',
  flags: {
    slug: { type: 'string', required: true, description: 'the event' },
    shard: { type: 'string', required: true, description: 'the shard to move it to' },
  },
  async run(ctx, flags) {
    const fleet = await fleetOf(ctx);
    const slug = requireStr(flags, 'slug');
    const to = requireStr(flags, 'shard');
    const show = progressLine(ctx);
    const result = await fleet.move(slug, to, { ...beforeRecordPause(), onStep: (p) => show({ kind: 'move', slug, to, ...p }) });
    ctx.say(`${slug} now lives on ${result.to} (generation ${result.generation}${result.frozenMs === null ? '' : `, buyers saw busy for ${result.frozenMs} ms`})`);
    return result;
  },
};

export const eventPromoteCommand: Command = {
  name: 'event:promote',
  summary: 'provision a dedicated shard for a hot event and move the event there, with progress',
  flags: {
    slug: { type: 'string', required: true, description: 'the event' },
    provider: { type: 'string', description: 'local, bunny or turso (default: the provider of its current shard)' },
    region: { type: 'string', description: 'Bunny primary region or Turso location for the new shard' },
  },
  async run(ctx, flags) {
    const provider = str(flags, 'provider') as ShardProvider | undefined;
    if (provider && !SHARD_PROVIDERS.includes(provider)) throw new UsageError(`--provider must be one of ${SHARD_PROVIDERS.join(', ')}`);
    const region = str(flags, 'region');
    const fleet = await fleetOf(ctx);
    const result = await fleet.promote(requireStr(flags, 'slug'), { ...(provider ? { provider } : {}), ...(region ? { region } : {}), onProgress: progressLine(ctx) });
    return result;
  },
};

export const shardDrainCommand: Command = {
  name: 'shard:drain',
  summary: 'move every event off a shard (to shared shards by placement policy), then retire it',
  flags: { name: { type: 'string', required: true, description: 'the shard to drain' } },
  async run(ctx, flags) {
    const fleet = await fleetOf(ctx);
    return fleet.drain(requireStr(flags, 'name'), { onProgress: progressLine(ctx) });
  },
};

export const shardPurgeMovedCommand: Command = {
  name: 'shard:purge-moved',
  summary: 'delete the rows of events that moved away from a shard (their tombstones stay); run a minute or more after the move',
  flags: { name: { type: 'string', required: true, description: 'the shard the events moved away from' } },
  async run(ctx, flags) {
    const fleet = await fleetOf(ctx);
    const name = requireStr(flags, 'name');
    const purged = await fleet.purgeMoved(name);
    ctx.say(`purged ${purged} moved event copies from ${name}`);
    return { shard: name, purged };
  },
};
