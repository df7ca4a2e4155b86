import { describe, expect, it } from 'vitest';
import { recoveryJob as job } from '../test/fakes';
import { intervalLabel, intervalOptions, lastRun, nextRunNote } from './recovery';

describe('recovery', () => {
  it('names intervals as a seller says them', () => {
    expect([300, 900, 3600, 7200, 86400, 90].map(intervalLabel)).toEqual([
      '5 minutes',
      '15 minutes',
      '1 hour',
      '2 hours',
      '1 day',
      '90 seconds',
    ]);
  });

  it('offers 5 minutes to a day, and keeps an interval set through the API among them', () => {
    expect(intervalOptions(900).map((o) => o.label)).toEqual([
      'Every 5 minutes',
      'Every 15 minutes',
      'Every 30 minutes',
      'Every 1 hour',
      'Every 2 hours',
      'Every 6 hours',
      'Every 12 hours',
      'Every 1 day',
    ]);
    expect(intervalOptions(60).slice(0, 2)).toEqual([
      { value: 60, label: 'Every 1 minute' },
      { value: 300, label: 'Every 5 minutes' },
    ]);
    expect(intervalOptions(2700).map((o) => o.value)).toEqual([300, 900, 1800, 2700, 3600, 7200, 21600, 43200, 86400]);
  });

  it('says what the last check found', () => {
    expect(lastRun({ lastJob: null })).toBeNull();
    expect(lastRun({ lastJob: job() })).toEqual({ tone: 'success', line: 'Nothing missing (12 fetched).', error: null });
    expect(lastRun({ lastJob: job({ imported: 3, skipped: 9 }) })).toEqual({
      tone: 'found',
      line: 'Found 3 orders that webhooks missed (12 fetched), now pending.',
      error: null,
    });
    expect(lastRun({ lastJob: job({ imported: 1, trigger: 'WEBHOOK_SILENCE' }) })!.line).toBe(
      'Found 1 order that webhooks missed (12 fetched), now pending. Checked at once because webhooks went quiet.',
    );
    expect(lastRun({ lastJob: job({ status: 'RUNNING', fetched: 4 }) })!.line).toBe('Checking now: 4 fetched so far.');
  });

  it('a failed check says why, and what it found before failing', () => {
    const failed = lastRun({
      lastJob: job({ status: 'FAILED', imported: 2, errorCode: 'PLATFORM_AUTH', error: 'Invalid API key or access token' }),
    });
    expect(failed).toEqual({
      tone: 'error',
      line: 'The check failed. 2 orders found before the failure are pending.',
      error:
        'The platform refused the store’s credentials. Replace them on the Stores page. Invalid API key or access token (PLATFORM_AUTH)',
    });
  });

  it('the next check: none while off, later while checks fail', () => {
    expect(nextRunNote({ enabled: false, failures: 0 })).toBe('Off: missed orders are found only when you import them.');
    expect(nextRunNote({ enabled: true, failures: 0 })).toBeNull();
    expect(nextRunNote({ enabled: true, failures: 2 })).toBe('Waiting longer after 2 failed checks:');
  });
});
