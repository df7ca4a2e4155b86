import { describe, expect, it } from 'vitest';
import { describeJob, jobTarget, progressLine, resultLine, type JobCounts } from './importResult';

const done = (counts: Partial<JobCounts>): JobCounts => ({
  status: 'SUCCEEDED',
  fetched: 0,
  imported: 0,
  skipped: 0,
  ...counts,
});

describe('resultLine', () => {
  it('says how many are new and how many were known', () => {
    expect(resultLine(done({ imported: 3, skipped: 9 }))).toBe('3 new orders pending, 9 already imported.');
    expect(resultLine(done({ imported: 1, skipped: 0 }))).toBe('1 new order pending.');
    expect(resultLine(done({ imported: 0, skipped: 2 }))).toBe('0 new orders pending, 2 already imported.');
  });

  it('breaks the known ones down when the API says why', () => {
    expect(
      resultLine(
        done({
          imported: 3,
          skipped: 9,
          skippedPending: 2,
          skippedAccepted: 5,
          skippedInTransactionList: 1,
          skippedCanceled: 1,
        }),
      ),
    ).toBe('3 new orders pending, 9 already imported (2 pending, 5 accepted, 1 in the Transaction List, 1 canceled).');
    expect(resultLine(done({ imported: 0, skipped: 4, skippedPending: 0, skippedInTransactionList: 4 }))).toBe(
      '0 new orders pending, 4 already imported (4 in the Transaction List).',
    );
  });

  it('counts the ids the platform does not have', () => {
    expect(resultLine(done({ imported: 1, skipped: 2, notFound: 1 }))).toBe(
      '1 new order pending, 2 already imported, 1 not found.',
    );
    expect(resultLine(done({ imported: 2, skipped: 0, notFound: 3, dryRun: true }))).toBe(
      'Preview: 2 new orders would be pending, 3 not found. Nothing was imported.',
    );
  });

  it('says when nothing was found', () => {
    expect(resultLine(done({ method: 'TIME', hours: 3 }))).toBe('No orders were placed in the last 3 hours.');
    expect(resultLine(done({ method: 'TIME', hours: 1 }))).toBe('No orders were placed in the last 1 hour.');
    expect(resultLine(done({ method: 'ORDER_ID', orderId: '#1' }))).toBe('No orders found.');
  });
});

describe('a preview (dryRun)', () => {
  it('says what would happen, and that nothing was imported', () => {
    expect(resultLine(done({ dryRun: true, imported: 3, skipped: 2, skippedPending: 2 }))).toBe(
      'Preview: 3 new orders would be pending, 2 already imported (2 pending). Nothing was imported.',
    );
    expect(resultLine(done({ dryRun: true, method: 'TIME', hours: 2 }))).toBe(
      'Preview: no orders were placed in the last 2 hours. Nothing was imported.',
    );
    expect(progressLine(done({ dryRun: true, status: 'RUNNING', fetched: 5, imported: 2, skipped: 3 }))).toBe(
      'Previewing: 5 fetched, 2 new, 3 skipped',
    );
  });

  it('a failed preview kept nothing', () => {
    const failed = describeJob(done({ dryRun: true, status: 'FAILED', imported: 2, errorCode: 'PLATFORM_AUTH' }));
    expect(failed.line).toBe('The preview failed. Nothing was imported.');
    expect(failed.error).toMatch(/\(PLATFORM_AUTH\)$/);
  });
});

describe('describeJob', () => {
  it('shows progress while running', () => {
    const job = done({ status: 'RUNNING', fetched: 12, imported: 3, skipped: 9 });
    expect(progressLine(job)).toBe('Importing: 12 fetched, 3 imported, 9 skipped');
    expect(describeJob(job)).toEqual({
      tone: 'progress',
      line: 'Importing: 12 fetched, 3 imported, 9 skipped',
      warning: null,
      error: null,
    });
  });

  it('carries the warning', () => {
    const job = done({ imported: 1, warning: 'PayPal lists transactions up to 3 hours late.' });
    expect(describeJob(job).warning).toBe('PayPal lists transactions up to 3 hours late.');
    expect(describeJob(job).tone).toBe('success');
  });

  it('says why a job failed, with its code, and what it kept', () => {
    const failed = describeJob(done({ status: 'FAILED', errorCode: 'ORDER_NOT_FOUND', error: 'no order #9' }));
    expect(failed.tone).toBe('error');
    expect(failed.line).toBe('The import failed.');
    expect(failed.error).toBe('The platform has no order with that id. no order #9 (ORDER_NOT_FOUND)');

    const partial = describeJob(done({ status: 'FAILED', imported: 2, errorCode: 'PLATFORM_UNAVAILABLE' }));
    expect(partial.line).toBe('The import failed. 2 orders imported before the failure stay pending.');
    expect(partial.error).toMatch(/Try again later\. \(PLATFORM_UNAVAILABLE\)$/);
  });
});

describe('jobTarget', () => {
  it('names what was asked', () => {
    expect(jobTarget({ method: 'ORDER_ID', orderId: '#1001' })).toBe('Order ID #1001');
    expect(jobTarget({ method: 'TIME', hours: 6 })).toBe('Last 6 hours');
    expect(jobTarget({ method: 'TIME', hours: 1 })).toBe('Last 1 hour');
  });

  it('names the first ids of a list', () => {
    expect(jobTarget({ method: 'ORDER_ID', orderIds: ['#1', '#2'] })).toBe('Order IDs #1, #2');
    expect(jobTarget({ method: 'ORDER_ID', orderIds: ['#1', '#2', '#3', '#4', '#5'] })).toBe('Order IDs #1, #2, #3 and 2 more');
  });
});
