// Formatting of what the API answers: money as exact decimal strings, times as ISO-8601 UTC.

export interface MoneyValue {
  amount: string;
  currencyCode: string;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** True where Intl.NumberFormat formats a decimal string exactly (ECMA-402 NumberFormat v3). */
function formatsStringsExactly(): boolean {
  try {
    const nf = new Intl.NumberFormat('en-US', { useGrouping: false, maximumFractionDigits: 0 });
    // As a float this would be 9007199254740992.
    return nf.format('9007199254740993' as unknown as number) === '9007199254740993';
  } catch {
    return false;
  }
}

let exactStrings: boolean | undefined;

/** Overridable in tests, to exercise the fallback path. */
export function setExactStringSupport(value: boolean | undefined): void {
  exactStrings = value;
}

function currencyFormat(locale: string | undefined, currency: string, fractionDigits: number): Intl.NumberFormat {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
}

/** Group an integer string of digits with `separator` every three digits. */
function groupDigits(digits: string, separator: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += separator;
    out += digits[i];
  }
  return out;
}

/**
 * Splice exact digits into the parts of a formatted template number, so the
 * locale's symbol, sign and separators are kept but the digits never pass
 * through a float.
 */
function spliceDigits(nf: Intl.NumberFormat, negative: boolean, intPart: string, fraction: string): string {
  const parts = nf.formatToParts(negative ? -1 : 1);
  const group = nf.formatToParts(1000000).find((p) => p.type === 'group')?.value ?? ',';
  let out = '';
  let numberWritten = false;
  for (const part of parts) {
    switch (part.type) {
      case 'integer':
        if (!numberWritten) {
          out += groupDigits(intPart, group);
          numberWritten = true;
        }
        break;
      case 'group':
        break;
      case 'fraction':
        out += fraction;
        break;
      default:
        out += part.value;
    }
  }
  return out;
}

/**
 * Money for display: the amount string exactly as the API sent it (its minor
 * units already applied), with the currency's symbol and the locale's
 * separators. An amount or currency that cannot be read is shown as sent.
 */
export function formatMoney(money: MoneyValue, locale?: string): string {
  const match = DECIMAL.exec(money.amount.trim());
  if (!match) return `${money.amount} ${money.currencyCode}`;
  const [, sign, intDigits = '0', fraction = ''] = match;
  let nf: Intl.NumberFormat;
  try {
    nf = currencyFormat(locale, money.currencyCode, Math.min(fraction.length, 20));
  } catch {
    return `${money.amount} ${money.currencyCode}`;
  }
  if (exactStrings === undefined) exactStrings = formatsStringsExactly();
  if (exactStrings && fraction.length <= 20) {
    return nf.format(money.amount.trim() as unknown as number);
  }
  return spliceDigits(nf, sign === '-', intDigits.replace(/^0+(?=\d)/, ''), fraction);
}

/** The accessible, unambiguous form of a UTC instant: "2026-12-07 14:10:30 UTC". */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 19)} UTC`;
}

export interface TimeOptions {
  locale?: string;
  timeZone?: string;
}

/** A UTC instant in the browser's (or the given) time zone, with the zone named. */
export function formatDateTime(iso: string, options: TimeOptions = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(options.locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: options.timeZone,
  }).format(date);
}

/** "3 hours ago", "in 5 minutes": a short relative time from `now`. */
export function formatRelative(iso: string, now: Date = new Date(), locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

/** "PARTIALLY_REFUNDED" → "Partially refunded". */
export function humanizeEnum(value: string): string {
  const words = value.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "1 order", "3 orders". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Seconds as "5 hours", "40 minutes", "2 days". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return plural(Math.round(seconds), 'second');
  if (seconds < 3600) return plural(Math.round(seconds / 60), 'minute');
  if (seconds < 86400 * 2) return plural(Math.round(seconds / 3600), 'hour');
  return plural(Math.round(seconds / 86400), 'day');
}

/** Pretty JSON for the raw payload. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}
