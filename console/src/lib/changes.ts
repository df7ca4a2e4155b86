// Changes after accept (Transaction.platformChanges) in a seller's words: the badge a changed row
// wears, from the platform's latest word on the order. The row itself stays as it was accepted.

import type { PaymentStatus } from '../gql/graphql';
import type { Badge } from './payment';

/** What the badge reads of one change. */
export interface PlatformChange {
  paymentStatus: PaymentStatus;
  canceled: boolean;
}

const AFTER_ACCEPT: Partial<Record<PaymentStatus, Badge>> = {
  REFUNDED: { text: 'Refunded after accept', tone: 'failed' },
  PARTIALLY_REFUNDED: { text: 'Partially refunded after accept', tone: 'pending' },
  VOIDED: { text: 'Voided after accept', tone: 'failed' },
  FAILED: { text: 'Payment failed after accept', tone: 'failed' },
};

/** The badge of a row whose order the platform changed after it was accepted (changes oldest first); null when none. */
export function changeBadge(changes: readonly PlatformChange[]): Badge | null {
  const latest = changes.at(-1);
  if (!latest) return null;
  if (latest.canceled) return { text: 'Canceled after accept', tone: 'failed' };
  return AFTER_ACCEPT[latest.paymentStatus] ?? { text: 'Changed after accept', tone: 'pending' };
}
