import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the base, with jitter between half and all of it', () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(250);
    expect(backoffDelay(0, { random: () => 0.999999 })).toBe(500);
    expect(backoffDelay(1, { random: () => 0 })).toBe(500);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(3000);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelay(10, { random: () => 0.999999 })).toBe(30_000);
    expect(backoffDelay(1000, { random: () => 0.999999 })).toBe(30_000);
    expect(backoffDelay(Number.POSITIVE_INFINITY, { random: () => 0 })).toBe(15_000);
    expect(backoffDelay(4, { baseMs: 100, maxMs: 1000, random: () => 0.999999 })).toBe(1000);
  });

  it('treats odd attempts as the first', () => {
    expect(backoffDelay(-3, { random: () => 0 })).toBe(250);
  });

  it('stays within bounds for random jitter', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      const delay = backoffDelay(attempt);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});
