import { slugSchema } from '../../../src/accounts/inputs';
import {
  EVENT_SLUG,
  eventSlugSchema,
  groupSlugSchema,
  isOrganiserSlug,
  organiserSlugSchema,
  SHARD_NAME,
  SHARD_PROVIDERS,
  shardNameSchema,
  webhookUrlSchema,
} from '../../../src/domain/inputs';

describe('shared input rules', () => {
  describe('webhookUrlSchema', () => {
    it.each(['not a url', 'http://', '::::', '', 'https://'])('refuses %j without throwing', (url) => {
      expect(() => webhookUrlSchema.safeParse(url)).not.toThrow();
      expect(webhookUrlSchema.safeParse(url).success).toBe(false);
    });

    it('takes https anywhere and http only to this machine', () => {
      expect(webhookUrlSchema.safeParse('https://hooks.example.com/x').success).toBe(true);
      expect(webhookUrlSchema.safeParse('http://127.0.0.1:8080/hook').success).toBe(true);
      expect(webhookUrlSchema.safeParse('http://localhost/hook').success).toBe(true);
      expect(webhookUrlSchema.safeParse('http://hooks.example.com/x').success).toBe(false);
      expect(webhookUrlSchema.safeParse('ftp://x.example').success).toBe(false);
    });
  });

  it('event and group slugs: lowercase words joined by single dashes', () => {
    for (const ok of ['ab', 'a-gig', 'gig-2030']) {
      expect(EVENT_SLUG.test(ok)).toBe(true);
      expect(eventSlugSchema.safeParse(ok).success).toBe(true);
      expect(groupSlugSchema.safeParse(ok).success).toBe(true);
    }
    for (const bad of ['a--b', '-ab', 'ab-', 'A-b', 'a']) expect(eventSlugSchema.safeParse(bad).success).toBe(false);
  });

  it('organiser slugs allow inner dashes in any order, and accounts/inputs still exports the same rule', () => {
    expect(organiserSlugSchema.parse('My--Org')).toBe('my--org');
    expect(slugSchema).toBe(organiserSlugSchema);
    expect(isOrganiserSlug('my--org')).toBe(true);
    expect(isOrganiserSlug('-org')).toBe(false);
    expect(isOrganiserSlug('My-Org')).toBe(false);
  });

  it('shard names and providers', () => {
    expect(SHARD_NAME.test('shared-1')).toBe(true);
    expect(shardNameSchema.safeParse('-x').success).toBe(false);
    expect(shardNameSchema.safeParse('a'.repeat(64)).success).toBe(false);
    expect(SHARD_PROVIDERS).toEqual(['local', 'static', 'bunny', 'turso']);
  });
});
