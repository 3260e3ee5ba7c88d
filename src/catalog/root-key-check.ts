import type { Client } from '@libsql/client';
import { ConfigError } from '../config/load-config';
import type { RootKeyring } from '../crypto';

const SETTING = 'root_key_check';

/**
 * The catalog remembers a check value of ROOT_KEY (an HMAC of a constant under its own
 * subkey: it reveals nothing about the key). A process with another key refuses to start,
 * rather than sealing new secrets that nothing else can open (finding 17). The first process
 * to run records it; racing first starts agree through INSERT OR IGNORE.
 */
export async function verifyRootKey(catalog: Client, keyring: RootKeyring): Promise<void> {
  const mine = keyring.blindIndex('root-key-check', 'boxoffice root key check v1');
  await catalog.execute({ sql: 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)', args: [SETTING, mine] });
  const rs = await catalog.execute({ sql: 'SELECT value FROM settings WHERE key = ?', args: [SETTING] });
  if (String(rs.rows[0]?.value) !== mine) {
    throw new ConfigError('ROOT_KEY', 'does not match the key this catalog was set up with; set ROOT_KEY (or DATA_DIR/root.key) to that key');
  }
}
