import type { Command } from '../command';
import { backupCommand } from './backup';
import { initCommand } from './init';
import { migrateCommand } from './migrate';
import { shardListCommand } from './shard-list';
import { shardProvisionCommand } from './shard-provision';

/** Every command of `npm run ops`. Each feature adds its command here. */
export const COMMANDS: Command[] = [initCommand, migrateCommand, shardProvisionCommand, shardListCommand, backupCommand];
