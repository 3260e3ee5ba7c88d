import { unlockOrganiserPrivateKey } from '../../../src/accounts/organiser-private-key';
import type { Principal } from '../../../src/accounts/principal';
import type { Organiser } from '../../../src/catalog/organiser-store';
import { generateOrganiserKeys, openPii, publicKeyFromPem, sealPii } from '../../../src/crypto';
import { AppError } from '../../../src/errors';

describe('unlockOrganiserPrivateKey', () => {
  let organiser: Organiser;
  let dataKey: Buffer;

  beforeAll(async () => {
    const keys = await generateOrganiserKeys();
    dataKey = keys.dataKey;
    organiser = { id: 7, slug: 'o', name: 'O', publicKeyPem: keys.publicKeyPem, wrappedPrivateKey: keys.wrappedPrivateKey } as Organiser;
  });

  const principal = (over: Partial<Principal>): Principal => ({ userId: 1, platformAdmin: false, via: 'session', organiser: { id: 7, role: 'manager' }, dataKey, ...over });

  it('opens the private key for a member of that organiser', () => {
    const envelope = sealPii(publicKeyFromPem(organiser.publicKeyPem), { name: 'Grace' });
    expect(openPii(unlockOrganiserPrivateKey(principal({}), organiser), envelope)).toEqual({ name: 'Grace' });
  });

  it('refuses a caller without a data key, such as a platform admin with no role', () => {
    expect(() => unlockOrganiserPrivateKey(principal({ platformAdmin: true, organiser: null, dataKey: null }), organiser)).toThrow(AppError);
  });

  it('refuses a caller acting for another organiser, even holding a data key', () => {
    expect(() => unlockOrganiserPrivateKey(principal({ organiser: { id: 8, role: 'owner' } }), organiser)).toThrow(AppError);
  });

  it('answers forbidden, without key material, when the data key is wrong', () => {
    const wrong = principal({ dataKey: Buffer.alloc(32, 1) });
    expect(() => unlockOrganiserPrivateKey(wrong, organiser)).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});
