// A store's automatic recovery in a seller's words: the choices of its form, what the last check
// found and when the next one comes.

import type { RecoveryFieldsFragment } from '../gql/graphql';
import { jobErrorText } from './errors';
import { plural } from './format';

export type Recovery = RecoveryFieldsFragment;

/**
 * The intervals offered, in seconds. The server's minimum (ORDER_IMPORT_RECOVERY_MIN_INTERVAL) is not
 * known here: a choice below it is refused by the server, whose message is shown next to the field.
 */
export const INTERVALS: readonly number[] = [300, 900, 1800, 3600, 7200, 21600, 43200, 86400];
export const LOOK_BACK_HOURS: readonly number[] = [1, 2, 3, 4, 5, 6];

/** 300 → "5 minutes", 3600 → "1 hour", 86400 → "1 day", 90 → "90 seconds". */
export function intervalLabel(seconds: number): string {
  if (seconds % 86400 === 0) return plural(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

export interface IntervalOption {
  value: number;
  label: string;
}

/** The offered intervals, with `current` among them (a value set through the API, say), shortest first. */
export function intervalOptions(current: number): IntervalOption[] {
  const values = INTERVALS.includes(current) ? [...INTERVALS] : [...INTERVALS, current].sort((a, b) => a - b);
  return values.map((value) => ({ value, label: `Every ${intervalLabel(value)}` }));
}

export interface LastRun {
  tone: 'progress' | 'success' | 'found' | 'error';
  /** "Found 3 orders that webhooks missed (12 fetched)." */
  line: string;
  /** Why the run failed, with its code. */
  error: string | null;
}

/** What the last automatic check did; null before the first. */
export function lastRun(recovery: Pick<Recovery, 'lastJob'>): LastRun | null {
  const job = recovery.lastJob;
  if (!job) return null;
  const why = job.trigger === 'WEBHOOK_SILENCE' ? ' Checked at once because webhooks went quiet.' : '';
  const fetched = `${job.fetched} fetched`;
  if (job.status === 'RUNNING') return { tone: 'progress', line: `Checking now: ${fetched} so far.`, error: null };
  if (job.status === 'FAILED') {
    const kept = job.imported > 0 ? ` ${plural(job.imported, 'order')} found before the failure ${job.imported === 1 ? 'is' : 'are'} pending.` : '';
    return { tone: 'error', line: `The check failed.${kept}${why}`, error: jobErrorText(job.errorCode, job.error) };
  }
  if (job.imported > 0) {
    const missed = `${plural(job.imported, 'order')} that webhooks missed`;
    return { tone: 'found', line: `Found ${missed} (${fetched}), now pending.${why}`, error: null };
  }
  return { tone: 'success', line: `Nothing missing (${fetched}).${why}`, error: null };
}

/** What precedes the time of the next check: why none comes, or why it comes late; null when nothing does. */
export function nextRunNote(recovery: Pick<Recovery, 'enabled' | 'failures'>): string | null {
  if (!recovery.enabled) return 'Off: missed orders are found only when you import them.';
  if (recovery.failures > 0) return `Waiting longer after ${plural(recovery.failures, 'failed check')}:`;
  return null;
}
