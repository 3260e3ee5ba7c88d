// A move copies exactly EVENT_TABLES and a delete removes exactly them: a migration that adds a
// per-event table without listing it would silently lose its rows on the first move.
import { createClient } from '@libsql/client';
import { migrate, readMigrations } from '../../../src/db/migrator';
import { migrationsDir } from '../../../src/lib/paths';
import { EVENT_TABLES, SHARD_OWN_TABLES } from '../../../src/shards/tables/event-tables';

describe('EVENT_TABLES', () => {
  it('lists every table of the shard schema, each with its event column', async () => {
    const db = createClient({ url: ':memory:' });
    await migrate(db, readMigrations(migrationsDir('shard')));
    const tables = await db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    const names = tables.rows.map((r) => String(r.name));
    const listed = EVENT_TABLES.map((t) => t.table as string);
    expect([...listed, ...SHARD_OWN_TABLES].sort()).toEqual(names);
    for (const t of EVENT_TABLES) {
      const cols = await db.execute(`PRAGMA table_info(${t.table})`);
      expect(cols.rows.map((c) => String(c.name))).toContain(t.eventColumn);
    }
    expect(listed[listed.length - 1]).toBe('events');
    db.close();
  });
});
