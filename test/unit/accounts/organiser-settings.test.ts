import { embedHostSchema, settingsPatchSchema, webhookUrlSchema } from '../../../src/accounts/organiser-settings';

describe('organiser settings validation', () => {
  it.each([
    ['shop.example.com', 'shop.example.com'],
    [' Shop.Example.COM ', 'shop.example.com'],
    ['*.example.org', '*.example.org'],
    ['localhost', 'localhost'],
  ])('accepts the embed host %p as %p', (input, expected) => {
    expect(embedHostSchema.parse(input)).toBe(expected);
  });

  it.each(['*', '*.', 'example.com:443', 'https://example.com', 'example.com/path', 'exa mple.com', '-bad.example', 'a..b', '*.*.example.com', ''])(
    'rejects the embed host %p',
    (input) => {
      expect(embedHostSchema.safeParse(input).success).toBe(false);
    },
  );

  it('accepts https webhooks and http only to this machine', () => {
    expect(webhookUrlSchema.safeParse('https://hooks.example.com/x').success).toBe(true);
    expect(webhookUrlSchema.safeParse('http://localhost:4000/x').success).toBe(true);
    expect(webhookUrlSchema.safeParse('http://127.0.0.1:4000/x').success).toBe(true);
    expect(webhookUrlSchema.safeParse('http://hooks.example.com/x').success).toBe(false);
    expect(webhookUrlSchema.safeParse('ftp://hooks.example.com/x').success).toBe(false);
    expect(webhookUrlSchema.safeParse('not a url').success).toBe(false);
  });

  it('uppercases the currency, trims terms, de-duplicates hosts and refuses unknown keys', () => {
    expect(settingsPatchSchema.parse({ currency: 'usd', terms: ' t ', embedHosts: ['a.com', 'A.com'] })).toEqual({ currency: 'USD', terms: 't', embedHosts: ['a.com'] });
    expect(settingsPatchSchema.safeParse({ currency: 'US' }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ terms: 'x'.repeat(10_240) }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ terms: 'x'.repeat(10_241) }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ notASetting: 'UTC' }).success).toBe(false);
  });
});
