import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, whether running from src/ (tests) or dist/src/. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json)');
    dir = parent;
  }
  return dir;
}

export const migrationsDir = (kind: 'catalog' | 'shard'): string => path.join(projectRoot(), 'migrations', kind);
