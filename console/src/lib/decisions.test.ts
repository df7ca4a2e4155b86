import { describe, expect, it } from 'vitest';
import { decisionWords } from './decisions';

describe('decisions in words', () => {
  it('says what was decided and by whom', () => {
    const at = '2026-12-07T14:00:00.000Z';
    expect(decisionWords({ status: 'CANCELED', by: 'SELLER', decidedAt: at })).toBe('Canceled by the seller');
    expect(decisionWords({ status: 'ACCEPTED', by: 'WEBHOOK', decidedAt: at })).toBe('Accepted by a webhook of the platform');
    expect(decisionWords({ status: 'CANCELED', by: 'DISCONNECT', decidedAt: at })).toBe(
      'Canceled when its store was disconnected',
    );
  });
});
