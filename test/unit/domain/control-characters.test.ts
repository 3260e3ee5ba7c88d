// Finding 15: NUL, other C0/C1 controls and bidi overrides never reach names or free text.
import { singleBookingSchema } from '../../../src/domain/bookings/booking-input';
import { createEventSchema } from '../../../src/domain/events/event-input';
import { organiserNameSchema } from '../../../src/accounts/inputs';
import { settingsPatchSchema } from '../../../src/accounts/organiser-settings';
import { cleanLine, cleanMultiline } from '../../../src/domain/inputs';

const NASTY = ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u202e', '\u2066', '\u2069', '\u200f', '\u061c'];

describe('control characters in names and free text', () => {
  it.each(NASTY)('strips %j from single-line text, and turns line breaks and tabs into spaces', (c) => {
    expect(cleanLine(`Ada${c}Lovelace`)).toBe(c === '\u001b[31m' ? 'Ada[31mLovelace' : 'AdaLovelace');
    expect(cleanLine('Ada\nLovelace\tX\r\n')).toBe('Ada Lovelace X  ');
  });

  it('keeps line breaks (normalised) in multi-line text but strips the rest', () => {
    expect(cleanMultiline('line 1\r\nline\u0000 2\u202e\n\tindented')).toBe('line 1\nline 2\n\tindented');
  });

  it('keeps ordinary unicode: accents, CJK, emoji, right-to-left scripts', () => {
    const s = 'Zoë 東京 🎟️ שלום مرحبا';
    expect(cleanLine(s)).toBe(s);
  });

  it('applies to bookings, events, organiser names and settings', () => {
    const booking = singleBookingSchema.parse({ name: 'Eve\u202e\u0000lyn', address: 'Main St\u0007 1', specialInstructions: 'a\u0000\nb', quantity: 1 });
    expect(booking).toMatchObject({ name: 'Evelyn', address: 'Main St 1', specialInstructions: 'a\nb' });
    const event = createEventSchema.parse({ slug: 'x-1', name: 'Gig\u202egnp.exe', capacity: 1, description: 'Hi\u0000\nthere', location: 'Hall\u0000' });
    expect(event).toMatchObject({ name: 'Giggnp.exe', description: 'Hi\nthere', location: 'Hall' });
    expect(organiserNameSchema.parse('Acme\u0000\u202e Ltd')).toBe('Acme Ltd');
    expect(settingsPatchSchema.parse({ terms: 'No\u0000 refunds\u2066' }).terms).toBe('No refunds');
  });

  it('a name of nothing but controls is empty, hence refused', () => {
    expect(singleBookingSchema.safeParse({ name: '\u0000\u202e', quantity: 1 }).success).toBe(false);
  });
});
