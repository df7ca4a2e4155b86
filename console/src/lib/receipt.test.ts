import { describe, expect, it } from 'vitest';
import type { ImportOutcome } from '../gql/graphql';
import { OUTCOMES, outcomeWords, receiptTitle } from './receipt';

describe('receipt outcomes', () => {
  it('says each outcome in words, for an import and for a preview', () => {
    const words = (preview: boolean) =>
      Object.fromEntries((Object.keys(OUTCOMES) as ImportOutcome[]).map((o) => [o, outcomeWords(o, preview)]));
    expect(words(false)).toEqual({
      IMPORTED: 'Imported, now pending',
      RESTORED: 'Canceled before, now pending again',
      ALREADY_PENDING: 'Already pending',
      ALREADY_ACCEPTED: 'Already accepted',
      IN_TRANSACTION_LIST: 'Already in the Transaction List',
      CANCELED_BEFORE: 'Canceled before (import it by its ID to bring it back)',
      OUTSIDE_WINDOW: 'Placed outside the time window, not imported',
      NOT_FOUND: 'The platform has no such order',
    });
    expect(words(true)).toMatchObject({
      IMPORTED: 'Would be imported as pending',
      RESTORED: 'Canceled before, would be pending again',
      ALREADY_PENDING: 'Already pending',
      NOT_FOUND: 'The platform has no such order',
    });
  });

  it('colours only what an import changed, and what the platform lacks', () => {
    expect(OUTCOMES.IMPORTED.tone).toBe('succeeded');
    expect(OUTCOMES.RESTORED.tone).toBe('succeeded');
    expect(OUTCOMES.NOT_FOUND.tone).toBe('failed');
    expect(OUTCOMES.ALREADY_ACCEPTED.tone).toBe('muted');
  });

  it('titles the receipt by its size', () => {
    expect(receiptTitle(3, false)).toBe('Receipt: 3 orders');
    expect(receiptTitle(1, true)).toBe('Preview receipt: 1 order');
  });
});
