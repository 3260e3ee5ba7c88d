import * as accountsContexts from '../../../src/accounts/key-contexts';
import * as contexts from '../../../src/crypto/contexts';

/**
 * These strings are bound into stored ciphertexts: changing one makes existing rows
 * unreadable, so the exact values are pinned here.
 */
describe('AAD / seal contexts', () => {
  it('keeps the exact strings existing data was sealed with', () => {
    expect(contexts.ticketTokenContext(42)).toBe('ticket:42');
    expect(contexts.webhookPayloadContext('bk-1')).toBe('webhook:bk-1');
    expect(contexts.shardTokenContext('shared-1')).toBe('shard-token:shared-1');
    expect(contexts.userKeyContext(1, 2)).toBe('user:1:org:2');
    expect(contexts.sessionKeyContext('s', 2)).toBe('session:s:org:2');
    expect(contexts.tokenKeyContext('h', 2)).toBe('api-token:h:org:2');
    expect(contexts.inviteKeyContext('c', 2)).toBe('invite:c:org:2');
    expect(contexts.stripeKeyContext(7)).toBe('organiser:7:stripe-secret-key');
    expect(contexts.emailBodyContext('bk-1')).toBe('email:bk-1');
    expect(contexts.inviteEmailBodyContext('h')).toBe('invite-email:h');
  });

  it('is the one definition: accounts/key-contexts re-exports it', () => {
    expect(accountsContexts.userKeyContext).toBe(contexts.userKeyContext);
    expect(accountsContexts.stripeKeyContext).toBe(contexts.stripeKeyContext);
  });
});
