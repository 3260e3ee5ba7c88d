import { currencyDecimals, formatMoney, minorToMajorString, parseMajorUnits } from '../../../src/lib/money';
import { utcIsoToZonedLocal, zonedLocalToUtcIso } from '../../../src/lib/zoned-time';

describe('money on forms', () => {
  it('takes the decimals of each currency from Intl', () => {
    expect(currencyDecimals('GBP')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('KWD')).toBe(3);
  });

  it('turns major units into minor units without float error', () => {
    expect(parseMajorUnits('12.5', 'GBP')).toBe(1250);
    expect(parseMajorUnits('0.29', 'GBP')).toBe(29);
    expect(parseMajorUnits('1,000', 'GBP')).toBe(100000);
    expect(parseMajorUnits('1500', 'JPY')).toBe(1500);
    expect(parseMajorUnits('1.234', 'KWD')).toBe(1234);
  });

  it('refuses more decimals than the currency has, negatives and words', () => {
    expect(parseMajorUnits('1.234', 'GBP')).toBeUndefined();
    expect(parseMajorUnits('10.5', 'JPY')).toBeUndefined();
    expect(parseMajorUnits('-1', 'GBP')).toBeUndefined();
    expect(parseMajorUnits('ten', 'GBP')).toBeUndefined();
  });

  it('shows minor units back as the form and the page need them', () => {
    expect(minorToMajorString(1250, 'GBP')).toBe('12.50');
    expect(minorToMajorString(5, 'GBP')).toBe('0.05');
    expect(minorToMajorString(1500, 'JPY')).toBe('1500');
    expect(formatMoney(1250, 'GBP')).toBe('£12.50');
  });

  it('formats each currency by its own minor unit, never by a hard-coded 100', () => {
    expect(formatMoney(1500, 'JPY')).toBe('JP¥1,500');
    expect(formatMoney(1234, 'KWD')).toBe('KWD\u00a01.234');
    expect(formatMoney(1250, 'XYZ')).toBe('XYZ\u00a012.50');
  });
});

describe('organiser-local times', () => {
  it('converts a datetime-local value in the organiser’s zone to UTC, across DST', () => {
    expect(zonedLocalToUtcIso('2026-07-01T19:30', 'Europe/London')).toBe('2026-07-01T18:30:00.000Z');
    expect(zonedLocalToUtcIso('2026-01-15T19:30', 'Europe/London')).toBe('2026-01-15T19:30:00.000Z');
    expect(zonedLocalToUtcIso('2026-03-29T12:00', 'Europe/London')).toBe('2026-03-29T11:00:00.000Z');
    expect(zonedLocalToUtcIso('2026-07-01T09:00', 'America/New_York')).toBe('2026-07-01T13:00:00.000Z');
    expect(zonedLocalToUtcIso('2026-07-01T09:00', 'Asia/Kolkata')).toBe('2026-07-01T03:30:00.000Z');
  });

  it('round-trips UTC back to the local value a form shows', () => {
    for (const local of ['2026-07-01T19:30', '2026-12-24T00:05', '2026-10-25T03:00']) {
      expect(utcIsoToZonedLocal(zonedLocalToUtcIso(local, 'Europe/London')!, 'Europe/London')).toBe(local);
    }
  });

  it('rejects impossible dates and unknown zones', () => {
    expect(zonedLocalToUtcIso('2026-02-30T10:00', 'Europe/London')).toBeUndefined();
    expect(zonedLocalToUtcIso('2026-07-01 25:00', 'Europe/London')).toBeUndefined();
    expect(zonedLocalToUtcIso('2026-07-01T10:00', 'Mars/Olympus')).toBeUndefined();
  });
});
