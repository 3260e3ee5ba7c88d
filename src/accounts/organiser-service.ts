import { z } from 'zod';
import type { OrganiserStore } from '../catalog/organiser-store';
import { generateOrganiserKeys, type RootKeyring, wrapDataKey } from '../crypto';
import { AppError } from '../errors';
import type { Logger } from '../lib/logger';
import { proveOrCreateUser } from './credentials';
import { emailSchema, organiserNameSchema, passwordSchema, slugSchema } from './inputs';
import { userKeyContext } from './key-contexts';
import type { UserStore } from './user-store';

export const createOrganiserSchema = z
  .object({ name: organiserNameSchema, slug: slugSchema, ownerEmail: emailSchema, ownerPassword: passwordSchema })
  .strict();
export type CreateOrganiserInput = z.input<typeof createOrganiserSchema>;

export interface CreatedOrganiser {
  id: number;
  slug: string;
  name: string;
  ownerUserId: number;
}

/** Tenants: a new organiser comes with its RSA key pair, data key and owner membership. */
export class OrganiserService {
  constructor(private readonly deps: { users: UserStore; organisers: OrganiserStore; keyring: RootKeyring; logger: Logger }) {}

  async createOrganiser(raw: CreateOrganiserInput): Promise<CreatedOrganiser> {
    const input = createOrganiserSchema.parse(raw);
    const { users, organisers, keyring } = this.deps;
    // Cheap check first, so a taken slug does not create an owner account for nothing.
    if (await organisers.getBySlug(input.slug)) throw new AppError('conflict', 'That slug is taken. Choose another.');
    const owner = await proveOrCreateUser(users, keyring, input.ownerEmail, input.ownerPassword);
    const keys = await generateOrganiserKeys();
    try {
      const id = await organisers.insert({ slug: input.slug, name: input.name, publicKeyPem: keys.publicKeyPem, wrappedPrivateKey: keys.wrappedPrivateKey });
      if (id === undefined) {
        if (owner.created) await users.delete(owner.userId);
        throw new AppError('conflict', 'That slug is taken. Choose another.');
      }
      await users.addMembership({
        userId: owner.userId,
        organiserId: id,
        role: 'owner',
        wrappedDataKey: wrapDataKey(owner.kek, keys.dataKey, userKeyContext(owner.userId, id)),
      });
      this.deps.logger.info({ organiserId: id, ownerUserId: owner.userId }, 'accounts.organiser.created');
      return { id, slug: input.slug, name: input.name, ownerUserId: owner.userId };
    } finally {
      // The only copies left are wrapped: the platform operator who ran this keeps nothing.
      owner.kek.fill(0);
      keys.dataKey.fill(0);
    }
  }
}
