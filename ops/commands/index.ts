import type { Command } from '../command';
import { adminCreateCommand } from './admin-create';
import { backupCommand } from './backup';
import { demoCommand } from './demo';
import { eventMoveCommand, eventPromoteCommand, shardDrainCommand, shardPurgeMovedCommand } from './fleet-commands';
import { initCommand } from './init';
import { migrateCommand } from './migrate';
import { organiserCreateCommand } from './organiser-create';
import { shardCleanupCommand } from './shard-cleanup';
import { shardListCommand } from './shard-list';
import { shardProvisionCommand } from './shard-provision';
import { tokenCreateCommand } from './token-create';

/** Every command of `npm run ops`. Each feature adds its command here. */
export const COMMANDS: Command[] = [initCommand, migrateCommand, shardProvisionCommand, shardListCommand, shardCleanupCommand, eventMoveCommand, eventPromoteCommand, shardDrainCommand, shardPurgeMovedCommand, backupCommand, adminCreateCommand, organiserCreateCommand, tokenCreateCommand, demoCommand];
