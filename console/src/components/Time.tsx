import { formatDateTime, formatUtc } from '../lib/format';

/** A UTC instant shown in the browser's time zone; the UTC time is its datetime and title. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    <time dateTime={value} title={formatUtc(value)}>
      {formatDateTime(value)}
    </time>
  );
}
