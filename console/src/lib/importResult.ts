// What an import job says to the seller, in one line.

import { jobErrorText } from './errors';
import { plural } from './format';

export interface JobCounts {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  method?: 'ORDER_ID' | 'TIME';
  orderId?: string | null;
  hours?: number | null;
  fetched: number;
  imported: number;
  skipped: number;
  skippedPending?: number | null;
  skippedAccepted?: number | null;
  skippedInTransactionList?: number | null;
  skippedCanceled?: number | null;
  /** Ids asked for that the platform does not have. */
  notFound?: number | null;
  errorCode?: string | null;
  error?: string | null;
  warning?: string | null;
  /** The ids of an import of a list. */
  orderIds?: readonly string[] | null;
  /** A preview: nothing was stored. */
  dryRun?: boolean;
}

/** "(2 pending, 5 accepted, 1 in the Transaction List, 1 canceled)", when the API gives the breakdown. */
export function skippedBreakdown(job: JobCounts): string {
  const parts: string[] = [];
  const add = (count: number | null | undefined, words: string) => {
    if (typeof count === 'number' && count > 0) parts.push(`${count} ${words}`);
  };
  add(job.skippedPending, 'pending');
  add(job.skippedAccepted, 'accepted');
  add(job.skippedInTransactionList, 'in the Transaction List');
  add(job.skippedCanceled, 'canceled');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const NOTHING_IMPORTED = 'Nothing was imported.';

/** "3 new orders pending, 9 already imported (…)"; a preview says what would be and that nothing was. */
export function resultLine(job: JobCounts): string {
  const preview = job.dryRun === true;
  const missing = job.notFound ?? 0;
  let line: string;
  if (job.imported === 0 && job.skipped === 0) {
    line =
      job.method === 'TIME' && job.hours
        ? `No orders were placed in the last ${plural(job.hours, 'hour')}.`
        : 'No orders found.';
  } else {
    const fresh = `${plural(job.imported, 'new order')} ${preview ? 'would be pending' : 'pending'}`;
    const known = job.skipped === 0 ? '' : `, ${job.skipped} already imported${skippedBreakdown(job)}`;
    line = `${fresh}${known}${missing > 0 ? `, ${missing} not found` : ''}.`;
  }
  return preview ? `Preview: ${line.charAt(0).toLowerCase()}${line.slice(1)} ${NOTHING_IMPORTED}` : line;
}

/** Progress while RUNNING: "Importing: 12 fetched, 3 imported, 9 skipped" ("Previewing: … 3 new …"). */
export function progressLine(job: JobCounts): string {
  if (job.dryRun) return `Previewing: ${job.fetched} fetched, ${job.imported} new, ${job.skipped} skipped`;
  return `Importing: ${job.fetched} fetched, ${job.imported} imported, ${job.skipped} skipped`;
}

export interface JobMessage {
  tone: 'progress' | 'success' | 'error';
  line: string;
  /** Something the seller should know besides the result (e.g. PayPal's reporting lag). */
  warning: string | null;
  /** Words for a failure, with its code. */
  error: string | null;
}

export function describeJob(job: JobCounts): JobMessage {
  const warning = job.warning || null;
  if (job.status === 'RUNNING') {
    return { tone: 'progress', line: progressLine(job), warning, error: null };
  }
  if (job.status === 'FAILED' && job.dryRun) {
    return { tone: 'error', line: `The preview failed. ${NOTHING_IMPORTED}`, warning, error: jobErrorText(job.errorCode, job.error) };
  }
  if (job.status === 'FAILED') {
    const kept =
      job.imported > 0
        ? ` ${plural(job.imported, 'order')} imported before the failure ${job.imported === 1 ? 'stays' : 'stay'} pending.`
        : '';
    return {
      tone: 'error',
      line: `The import failed.${kept}`,
      warning,
      error: jobErrorText(job.errorCode, job.error),
    };
  }
  return { tone: 'success', line: resultLine(job), warning, error: null };
}

/** How many ids of a list a job's target names before "and 7 more". */
const NAMED_IDS = 3;

/** What a job asked for: "Order ID #1001", "Order IDs #1001, #1002 and 4 more", "Last 6 hours". */
export function jobTarget(job: Pick<JobCounts, 'method' | 'orderId' | 'orderIds' | 'hours'>): string {
  if (job.method === 'ORDER_ID' && job.orderIds) {
    const ids = job.orderIds;
    const more = ids.length - NAMED_IDS;
    return `Order IDs ${ids.slice(0, NAMED_IDS).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  }
  if (job.method === 'ORDER_ID') return `Order ID ${job.orderId ?? ''}`.trim();
  if (job.method === 'TIME') return `Last ${plural(job.hours ?? 0, 'hour')}`;
  return 'Import';
}
