// An import's receipt in a seller's words: what the import did, or as a preview would do, with each order.

import type { ImportOutcome } from '../gql/graphql';
import type { BadgeTone } from './payment';

interface OutcomeWords {
  /** What the import did. */
  done: string;
  /** What it would do (a preview, dryRun). */
  preview: string;
  tone: BadgeTone;
}

const same = (words: string, tone: BadgeTone): OutcomeWords => ({ done: words, preview: words, tone });

/** Each outcome as a seller says it; the colour of its badge only repeats the words. */
export const OUTCOMES: Record<ImportOutcome, OutcomeWords> = {
  IMPORTED: { done: 'Imported, now pending', preview: 'Would be imported as pending', tone: 'succeeded' },
  RESTORED: {
    done: 'Canceled before, now pending again',
    preview: 'Canceled before, would be pending again',
    tone: 'succeeded',
  },
  ALREADY_PENDING: same('Already pending', 'muted'),
  ALREADY_ACCEPTED: same('Already accepted', 'muted'),
  IN_TRANSACTION_LIST: same('Already in the Transaction List', 'muted'),
  CANCELED_BEFORE: same('Canceled before (import it by its ID to bring it back)', 'muted'),
  OUTSIDE_WINDOW: same('Placed outside the time window, not imported', 'muted'),
  NOT_FOUND: same('The platform has no such order', 'failed'),
};

/** "Imported, now pending"; in a preview, "Would be imported as pending". */
export function outcomeWords(outcome: ImportOutcome, preview: boolean): string {
  const words = OUTCOMES[outcome];
  return preview ? words.preview : words.done;
}

/** The receipt's title: "Receipt: 3 orders", "Preview receipt: 1 order". */
export function receiptTitle(totalCount: number, preview: boolean): string {
  return `${preview ? 'Preview receipt' : 'Receipt'}: ${totalCount} ${totalCount === 1 ? 'order' : 'orders'}`;
}
