import { describe, expect, it } from 'vitest';
import { ACTIONS, actorWords, detailWords } from './history';

const platforms = [{ id: 'shopify', name: 'Shopify' }];

describe('history in words', () => {
  it('names who: a token by its name, a webhook by its platform', () => {
    expect(actorWords('token:ops-laptop', platforms)).toBe('ops-laptop');
    expect(actorWords('token:a:b', platforms)).toBe('a:b');
    expect(actorWords('webhook:shopify', platforms)).toBe('Shopify webhook');
    expect(actorWords('webhook:gumroad', platforms)).toBe('gumroad webhook');
    expect(actorWords('schedule')).toBe('automatic recovery');
    expect(actorWords('cli')).toBe('the command line');
    expect(actorWords('unknown')).toBe('unknown');
  });

  it('says what each action did', () => {
    expect(ACTIONS.ORDER_IMPORTED).toBe('Imported as pending');
    expect(ACTIONS.ACCEPTED).toBe('Accepted');
    expect(ACTIONS.FORCED_ACCEPT).toBe('Accepted anyway');
    expect(ACTIONS.CANCELED).toBe('Marked as canceled');
    expect(ACTIONS.RESOLVED_BY_WEBHOOK).toBe('Listed by a webhook of the platform');
    expect(ACTIONS.ORDER_CHANGED).toBe('Changed on the platform');
  });

  it('gives the detail that matters', () => {
    expect(detailWords({ action: 'CANCELED', detail: { reason: ' Duplicate ' } })).toBe('Reason: “Duplicate”');
    expect(detailWords({ action: 'CANCELED', detail: {} })).toBeNull();
    expect(detailWords({ action: 'CANCELED', detail: { reason: 'store disconnected', storeDisconnected: true } })).toBe(
      'Its store was disconnected.',
    );
    expect(
      detailWords({
        action: 'FORCED_ACCEPT',
        detail: { refused: 'TEST_ORDER', paymentStatus: 'PAID', testOrder: true, canceled: false, platformStatus: null },
      }),
    ).toBe('Over the payment guard: Paid, test order.');
    expect(
      detailWords({
        action: 'ORDER_CHANGED',
        detail: {
          paymentStatus: 'REFUNDED',
          platformStatus: 'refunded',
          canceled: true,
          testOrder: false,
          was: { paymentStatus: 'PAID', platformStatus: 'paid', canceled: false, testOrder: false },
        },
      }),
    ).toBe('Now Refunded, canceled, platform status “refunded”; was Paid, platform status “paid”.');
    expect(detailWords({ action: 'ORDER_CHANGED', detail: { paymentStatus: 'SOMETHING_NEW' } })).toBe('Now SOMETHING_NEW.');
    expect(detailWords({ action: 'ACCEPTED', detail: { transactionId: 't1' } })).toBeNull();
    expect(detailWords({ action: 'ORDER_IMPORTED', detail: null })).toBeNull();
  });
});
