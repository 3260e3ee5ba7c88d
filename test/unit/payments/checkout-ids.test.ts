import { checkoutMetadata, readCheckoutMetadata } from '../../../src/payments/checkout-metadata';
import { formatHoldRef, parseHoldRef } from '../../../src/payments/hold-ref';

describe('hold ids and checkout metadata', () => {
  it('round-trips a hold id and refuses anything else', () => {
    const ref = { bookingId: 'idem-AbC_d-123456789', eventIds: [12, 36_000] };
    const text = formatHoldRef(ref);
    expect(text).toBe('c.rs0~idem-AbC_d-123456789');
    expect(parseHoldRef(text)).toEqual(ref);
    for (const bad of ['', 'c~short', 'C.rs0~idem-AbC_d-123456789', 'c~../../etc/passwd', 42, 'c~a b c d e f g h', '0~idem-AbC_d-123456789']) expect(parseHoldRef(bad)).toBeNull();
  });

  it('carries the booking in metadata Stripe accepts, and reads back only this site’s', () => {
    const meta = checkoutMetadata({ bookingId: 'bk-12345678', organiserId: 7, hold: 'c~bk-12345678', items: [{ eventId: 12, quantity: 2, unitPrice: 1250, date: '2030-01-02' }] }, 'https://tickets.example', ['gig']);
    expect(Object.values(meta).every((v) => typeof v === 'string' && v.length <= 500)).toBe(true);
    expect(readCheckoutMetadata(meta, 'https://tickets.example')).toEqual({ bookingId: 'bk-12345678', organiserId: 7, hold: 'c~bk-12345678', items: [{ eventId: 12, quantity: 2, unitPrice: 1250, date: '2030-01-02' }] });
    expect(readCheckoutMetadata(meta, 'https://other.example')).toBeNull();
    expect(readCheckoutMetadata({ ...meta, items: '[{"e":1,"q":0,"p":1}]' }, 'https://tickets.example')).toBeNull();
    expect(readCheckoutMetadata({ ...meta, items: 'not json' }, 'https://tickets.example')).toBeNull();
  });
});
