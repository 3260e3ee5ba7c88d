import { createEventSchema } from '../../../src/domain/events/event-input';
import { blankEventForm, slugFromName, validateEventForm } from '../../../src/http/forms/event-form';

const ctx = { currency: 'GBP', timezone: 'Europe/London' };

describe('the event form', () => {
  it('becomes the JSON API body: minor units, UTC times, defaults for blanks', () => {
    const { data, errors } = validateEventForm(
      { ...blankEventForm(), name: 'Café Concert', capacity: '50', price: '7.5', opensAt: '2026-07-01T10:00', fields: ['email', 'phone'] },
      ctx,
      createEventSchema,
    );
    expect(errors).toEqual({});
    expect(data).toMatchObject({ name: 'Café Concert', slug: 'cafe-concert', capacity: 50, price: 750, opensAt: '2026-07-01T09:00:00.000Z', closesAt: null, fields: ['email', 'phone'], group: null });
  });

  it('reports each bad field once, on that field', () => {
    const { data, errors } = validateEventForm({ ...blankEventForm(), name: '', capacity: 'x', price: '1.999', closesAt: 'soon' }, ctx, createEventSchema);
    expect(data).toBeUndefined();
    expect(errors.capacity).toEqual(['capacity must be a whole number']);
    expect(errors.price).toHaveLength(1);
    expect(errors.closesAt).toHaveLength(1);
    expect(errors.name).toEqual(['Please enter a name for the event.']);
  });

  it('needs a weekday for daily events, but not for standard ones', () => {
    const daily = validateEventForm({ ...blankEventForm(), name: 'Zoo', capacity: '10', type: 'daily', bookableDays: [] }, ctx, createEventSchema);
    expect(daily.errors.bookableDays).toEqual(['at least one bookable weekday']);
    const standard = validateEventForm({ ...blankEventForm(), name: 'Talk', capacity: '10', bookableDays: [] }, ctx, createEventSchema);
    expect(standard.errors).toEqual({});
  });

  it('makes slugs from names', () => {
    expect(slugFromName('  Summer Fair 2026! ')).toBe('summer-fair-2026');
    expect(slugFromName('Ünïcödé  & more')).toBe('unicode-more');
  });
});
