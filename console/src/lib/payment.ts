// The payment guard in a seller's words: badges for an order's payment state, the
// risk a forced accept takes, and what the platform changed when a decision read it again.

import type { PaymentStatus } from '../gql/graphql';

/** What the guard and the badges read of an imported order. */
export interface GuardedOrder {
  orderNumber: string;
  paymentStatus: PaymentStatus;
  testOrder: boolean;
  canceledOnPlatform: boolean;
  platform: { name: string };
}

export type BadgeTone = 'succeeded' | 'pending' | 'failed' | 'muted';

export interface Badge {
  text: string;
  tone: BadgeTone;
}

/** Each payment status as a seller says it, and how it looks: green when accepting is safe. */
export const PAYMENT_BADGES: Record<PaymentStatus, Badge> = {
  PAID: { text: 'Paid', tone: 'succeeded' },
  PARTIALLY_REFUNDED: { text: 'Partially refunded', tone: 'succeeded' },
  PENDING: { text: 'Payment pending', tone: 'pending' },
  PARTIALLY_PAID: { text: 'Partially paid', tone: 'pending' },
  UNKNOWN: { text: 'Payment unknown', tone: 'pending' },
  REFUNDED: { text: 'Refunded', tone: 'failed' },
  VOIDED: { text: 'Payment voided', tone: 'failed' },
  FAILED: { text: 'Payment failed', tone: 'failed' },
};

/** What the badges read of an order; a Transaction List row has no canceledOnPlatform. */
export type BadgedOrder = Pick<GuardedOrder, 'paymentStatus' | 'testOrder' | 'platform'> & { canceledOnPlatform?: boolean };

/** The badges of an order: its payment, then "Test order" and "Canceled on ‹platform›" where they apply. */
export function paymentBadges(order: BadgedOrder): Badge[] {
  const badges = [PAYMENT_BADGES[order.paymentStatus]];
  if (order.testOrder) badges.push({ text: 'Test order', tone: 'muted' });
  if (order.canceledOnPlatform) badges.push({ text: `Canceled on ${order.platform.name}`, tone: 'failed' });
  return badges;
}

/** The userError codes the guard answers with, which `force: true` overrides. */
export const GUARD_CODES: ReadonlySet<string> = new Set(['PAYMENT_NOT_CAPTURED', 'TEST_ORDER']);

const CAPTURED: ReadonlySet<PaymentStatus> = new Set(['PAID', 'PARTIALLY_REFUNDED']);

/**
 * What accepting this order anyway risks, one sentence per risk, read from the order as the
 * guard judged it; `codes` (the guard's answer) names the risk should the order not show it.
 */
export function forceRisks(order: GuardedOrder, codes: readonly string[]): string[] {
  const number = order.orderNumber;
  const risks: string[] = [];
  if (order.canceledOnPlatform) {
    risks.push(`${order.platform.name} canceled ${number}. Accepting releases the goods for a canceled order.`);
  }
  if (!CAPTURED.has(order.paymentStatus) || (risks.length === 0 && codes.includes('PAYMENT_NOT_CAPTURED'))) {
    risks.push(
      `The payment for ${number} is not captured (${PAYMENT_BADGES[order.paymentStatus].text}). ` +
        'Accepting releases the goods without payment.',
    );
  }
  if (order.testOrder || codes.includes('TEST_ORDER')) {
    risks.push(
      `${number} is a test order on ${order.platform.name}: no real payment was made. ` +
        'Accepting releases the goods as for a real order.',
    );
  }
  return risks;
}

const UNDONE: Partial<Record<PaymentStatus, string>> = { REFUNDED: 'refunded', VOIDED: 'voided', FAILED: 'failed' };

/** ORDER_CHANGED, from the order as it now stands: "Shopify says #1001 is now refunded." */
export function orderChangedText(order: GuardedOrder): string {
  const platform = order.platform.name;
  const what = order.canceledOnPlatform ? 'canceled' : UNDONE[order.paymentStatus];
  const change = what ? `${platform} says ${order.orderNumber} is now ${what}.` : `${platform} no longer has ${order.orderNumber}.`;
  return `${change} Look at it again before deciding.`;
}
