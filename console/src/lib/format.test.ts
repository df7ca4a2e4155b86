import { afterEach, describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatDuration,
  formatMoney as formatMoneyRaw,
  formatRelative,
  formatUtc,
  humanizeEnum,
  plural,
  prettyJson,
  setExactStringSupport,
} from './format';

afterEach(() => setExactStringSupport(undefined));

/** Intl puts no-break spaces between amount and symbol; compare with plain spaces. */
const formatMoney = (...args: Parameters<typeof formatMoneyRaw>) => formatMoneyRaw(...args).replace(/\u00a0/g, ' ');

describe('formatMoney', () => {
  it('formats the amount string with the currency', () => {
    expect(formatMoney({ amount: '264.60', currencyCode: 'USD' }, 'en-US')).toBe('$264.60');
    expect(formatMoney({ amount: '1500', currencyCode: 'JPY' }, 'en-US')).toBe('¥1,500');
    expect(formatMoney({ amount: '1.500', currencyCode: 'KWD' }, 'en-US')).toBe('KWD 1.500');
  });

  it('keeps large amounts exact (never through a float)', () => {
    expect(formatMoney({ amount: '9007199254740993.45', currencyCode: 'USD' }, 'en-US')).toBe(
      '$9,007,199,254,740,993.45',
    );
    expect(formatMoney({ amount: '12345678901234567890.99', currencyCode: 'EUR' }, 'de-DE')).toBe(
      '12.345.678.901.234.567.890,99 €',
    );
  });

  it('keeps the decimals the API sent', () => {
    expect(formatMoney({ amount: '0.00012345', currencyCode: 'USD' }, 'en-US')).toBe('$0.00012345');
    expect(formatMoney({ amount: '10', currencyCode: 'USD' }, 'en-US')).toBe('$10');
  });

  it('formats negative amounts', () => {
    expect(formatMoney({ amount: '-1234.50', currencyCode: 'EUR' }, 'de-DE')).toBe('-1.234,50 €');
  });

  it('splices exact digits where Intl cannot format strings', () => {
    setExactStringSupport(false);
    expect(formatMoney({ amount: '9007199254740993.45', currencyCode: 'USD' }, 'en-US')).toBe(
      '$9,007,199,254,740,993.45',
    );
    expect(formatMoney({ amount: '-1234.50', currencyCode: 'EUR' }, 'de-DE')).toBe('-1.234,50 €');
    expect(formatMoney({ amount: '0.5', currencyCode: 'USD' }, 'en-US')).toBe('$0.5');
    expect(formatMoney({ amount: '1500', currencyCode: 'JPY' }, 'en-US')).toBe('¥1,500');
  });

  it('shows what it cannot read as sent', () => {
    expect(formatMoney({ amount: 'abc', currencyCode: 'USD' }, 'en-US')).toBe('abc USD');
    expect(formatMoney({ amount: '12.00', currencyCode: 'NOT A CODE' }, 'en-US')).toBe('12.00 NOT A CODE');
  });
});

describe('times', () => {
  const iso = '2026-12-07T14:10:30.123Z';

  it('names the UTC instant', () => {
    expect(formatUtc(iso)).toBe('2026-12-07 14:10:30 UTC');
    expect(formatUtc('not a date')).toBe('not a date');
  });

  it('shows the instant in a time zone, naming the zone', () => {
    expect(formatDateTime(iso, { locale: 'en-US', timeZone: 'UTC' })).toBe('Dec 7, 2026, 2:10 PM UTC');
    expect(formatDateTime(iso, { locale: 'en-US', timeZone: 'America/New_York' })).toBe('Dec 7, 2026, 9:10 AM EST');
    expect(formatDateTime(iso, { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toMatch(/^7 Dec 2026, 23:10/);
  });

  it('says how long ago', () => {
    const now = new Date('2026-12-07T17:10:30.123Z');
    expect(formatRelative(iso, now, 'en')).toBe('3 hours ago');
    expect(formatRelative('2026-12-07T17:10:00Z', now, 'en')).toBe('30 seconds ago');
    expect(formatRelative('2026-12-05T17:10:30Z', now, 'en')).toBe('2 days ago');
  });

  it('says durations in words', () => {
    expect(formatDuration(30)).toBe('30 seconds');
    expect(formatDuration(60)).toBe('1 minute');
    expect(formatDuration(5 * 3600)).toBe('5 hours');
    expect(formatDuration(3 * 86400)).toBe('3 days');
  });
});

describe('words', () => {
  it('humanizes enum values', () => {
    expect(humanizeEnum('PARTIALLY_REFUNDED')).toBe('Partially refunded');
    expect(humanizeEnum('PAID')).toBe('Paid');
  });

  it('counts', () => {
    expect(plural(1, 'order')).toBe('1 order');
    expect(plural(0, 'order')).toBe('0 orders');
  });

  it('pretty-prints raw payloads', () => {
    expect(prettyJson({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('plain text')).toBe('plain text');
  });
});
