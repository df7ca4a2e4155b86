import { describe, expect, it } from 'vitest';
import type { PaymentStatus } from '../gql/graphql';
import { forceRisks, orderChangedText, PAYMENT_BADGES, paymentBadges, type GuardedOrder } from './payment';

const order = (extra: Partial<GuardedOrder> = {}): GuardedOrder => ({
  orderNumber: '#1001',
  paymentStatus: 'PAID',
  testOrder: false,
  canceledOnPlatform: false,
  platform: { name: 'Shopify' },
  ...extra,
});

describe('payment badges', () => {
  it('words every payment status as a seller says it', () => {
    const words: Record<PaymentStatus, string> = {
      PAID: 'Paid',
      PENDING: 'Payment pending',
      PARTIALLY_PAID: 'Partially paid',
      PARTIALLY_REFUNDED: 'Partially refunded',
      REFUNDED: 'Refunded',
      VOIDED: 'Payment voided',
      FAILED: 'Payment failed',
      UNKNOWN: 'Payment unknown',
    };
    for (const [status, text] of Object.entries(words) as [PaymentStatus, string][]) {
      expect(paymentBadges(order({ paymentStatus: status }))).toEqual([PAYMENT_BADGES[status]]);
      expect(PAYMENT_BADGES[status].text).toBe(text);
    }
  });

  it('is green only where accepting is safe', () => {
    const safe = Object.entries(PAYMENT_BADGES)
      .filter(([, badge]) => badge.tone === 'succeeded')
      .map(([status]) => status);
    expect(safe.sort()).toEqual(['PAID', 'PARTIALLY_REFUNDED']);
  });

  it('adds "Test order" and "Canceled on ‹platform›"', () => {
    expect(paymentBadges(order({ testOrder: true, canceledOnPlatform: true })).map((b) => b.text)).toEqual([
      'Paid',
      'Test order',
      'Canceled on Shopify',
    ]);
  });
});

describe('the risk of a forced accept', () => {
  it('names an uncaptured payment', () => {
    expect(forceRisks(order({ paymentStatus: 'PENDING' }), ['PAYMENT_NOT_CAPTURED'])).toEqual([
      'The payment for #1001 is not captured (Payment pending). Accepting releases the goods without payment.',
    ]);
  });

  it('names a test order and a cancellation on the platform, each once', () => {
    expect(forceRisks(order({ testOrder: true }), ['TEST_ORDER'])).toEqual([
      '#1001 is a test order on Shopify: no real payment was made. Accepting releases the goods as for a real order.',
    ]);
    expect(forceRisks(order({ canceledOnPlatform: true }), ['PAYMENT_NOT_CAPTURED'])).toEqual([
      'Shopify canceled #1001. Accepting releases the goods for a canceled order.',
    ]);
    expect(forceRisks(order({ canceledOnPlatform: true, paymentStatus: 'VOIDED' }), ['PAYMENT_NOT_CAPTURED'])).toHaveLength(2);
  });

  it("names the guard's code when the order as returned does not show it", () => {
    expect(forceRisks(order(), ['PAYMENT_NOT_CAPTURED'])[0]).toMatch(/^The payment for #1001 is not captured \(Paid\)/);
    expect(forceRisks(order(), ['TEST_ORDER'])[0]).toMatch(/is a test order on Shopify/);
  });
});

describe('ORDER_CHANGED', () => {
  it('says what the platform changed', () => {
    expect(orderChangedText(order({ paymentStatus: 'REFUNDED' }))).toBe(
      'Shopify says #1001 is now refunded. Look at it again before deciding.',
    );
    expect(orderChangedText(order({ paymentStatus: 'VOIDED' }))).toMatch(/^Shopify says #1001 is now voided\./);
    expect(orderChangedText(order({ canceledOnPlatform: true, paymentStatus: 'REFUNDED' }))).toMatch(
      /^Shopify says #1001 is now canceled\./,
    );
    expect(orderChangedText(order())).toBe('Shopify no longer has #1001. Look at it again before deciding.');
  });
});
