import { describe, expect, it } from 'vitest';
import { changeBadge } from './changes';

describe('changeBadge', () => {
  it('is none for a row the platform never changed', () => {
    expect(changeBadge([])).toBeNull();
  });

  it('says what the latest change made of the order', () => {
    expect(changeBadge([{ paymentStatus: 'REFUNDED', canceled: false }])).toEqual({
      text: 'Refunded after accept',
      tone: 'failed',
    });
    expect(
      changeBadge([
        { paymentStatus: 'REFUNDED', canceled: false },
        { paymentStatus: 'PARTIALLY_REFUNDED', canceled: false },
      ]),
    ).toEqual({ text: 'Partially refunded after accept', tone: 'pending' });
    expect(changeBadge([{ paymentStatus: 'VOIDED', canceled: false }])?.text).toBe('Voided after accept');
    expect(changeBadge([{ paymentStatus: 'FAILED', canceled: false }])?.text).toBe('Payment failed after accept');
  });

  it('puts a cancellation first, whatever the payment', () => {
    expect(changeBadge([{ paymentStatus: 'PAID', canceled: true }])).toEqual({
      text: 'Canceled after accept',
      tone: 'failed',
    });
  });

  it('calls any other change a change', () => {
    expect(changeBadge([{ paymentStatus: 'PAID', canceled: false }])).toEqual({
      text: 'Changed after accept',
      tone: 'pending',
    });
  });
});
