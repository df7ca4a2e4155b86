import { describe, expect, it } from 'vitest';
import { appendPage, applyEvent, compareRows, emptyPending, fromPage, removeRow, type Page, type PendingRow } from './pendingList';

const order = (id: string, placedAt: string, status = 'PENDING'): PendingRow & { note?: string } => ({ id, placedAt, status });
const page = (rows: PendingRow[], hasNextPage = false, totalCount = rows.length): Page<PendingRow> => ({
  edges: rows.map((node) => ({ cursor: `c${node.id}`, node })),
  pageInfo: { hasNextPage, endCursor: rows.length ? `c${rows[rows.length - 1]!.id}` : null },
  totalCount,
});

const a = order('30', '2026-12-07T14:00:00Z');
const b = order('20', '2026-12-07T13:00:00Z');
const c = order('10', '2026-12-07T12:00:00Z');
const ids = (state: { rows: PendingRow[] }) => state.rows.map((r) => r.id);

describe('the pending list', () => {
  it('starts from a page', () => {
    const state = fromPage(page([a, b], true, 5));
    expect(ids(state)).toEqual(['30', '20']);
    expect(state.totalCount).toBe(5);
    expect(state.hasNextPage).toBe(true);
    expect(state.endCursor).toBe('c20');
    expect(emptyPending().rows).toEqual([]);
  });

  it('orders newest first, then by id', () => {
    expect(compareRows(a, b)).toBeLessThan(0);
    expect(compareRows(order('9', '2026-12-07T12:00:00Z'), order('10', '2026-12-07T12:00:00Z'))).toBeGreaterThan(0);
  });

  it('ADDED: the order appears in its place and is counted', () => {
    let state = fromPage(page([a, c]));
    state = applyEvent(state, { change: 'ADDED', order: b });
    expect(ids(state)).toEqual(['30', '20', '10']);
    expect(state.totalCount).toBe(3);
    const newest = order('40', '2026-12-07T15:00:00Z');
    state = applyEvent(state, { change: 'ADDED', order: newest });
    expect(ids(state)[0]).toBe('40');
    expect(state.totalCount).toBe(4);
  });

  it('ADDED twice counts once', () => {
    let state = fromPage(page([a]));
    state = applyEvent(state, { change: 'ADDED', order: b });
    state = applyEvent(state, { change: 'ADDED', order: b });
    expect(ids(state)).toEqual(['30', '20']);
    expect(state.totalCount).toBe(2);
  });

  it('ADDED past the loaded rows, with more pages: counted, shown when its page loads', () => {
    let state = fromPage(page([a, b], true, 3));
    state = applyEvent(state, { change: 'ADDED', order: order('5', '2026-12-01T00:00:00Z') });
    expect(ids(state)).toEqual(['30', '20']);
    expect(state.totalCount).toBe(4);
  });

  it('REMOVED: the order leaves, once', () => {
    let state = fromPage(page([a, b, c]));
    state = applyEvent(state, { change: 'REMOVED', order: { ...b, status: 'ACCEPTED' } });
    expect(ids(state)).toEqual(['30', '10']);
    expect(state.totalCount).toBe(2);
    state = applyEvent(state, { change: 'REMOVED', order: { ...b, status: 'ACCEPTED' } });
    expect(state.totalCount).toBe(2);
  });

  it('our own decision, then its REMOVED event: counted once', () => {
    let state = fromPage(page([a, b]));
    state = removeRow(state, '30');
    state = applyEvent(state, { change: 'REMOVED', order: { ...a, status: 'CANCELED' } });
    expect(ids(state)).toEqual(['20']);
    expect(state.totalCount).toBe(1);
  });

  it('REMOVED of an order not loaded counts only if more pages exist', () => {
    const all = applyEvent(fromPage(page([a])), { change: 'REMOVED', order: c });
    expect(all.totalCount).toBe(1);
    const partial = applyEvent(fromPage(page([a], true, 2)), { change: 'REMOVED', order: c });
    expect(partial.totalCount).toBe(1);
  });

  it('a removed order that is restored comes back', () => {
    let state = fromPage(page([a, b]));
    state = applyEvent(state, { change: 'REMOVED', order: b });
    state = applyEvent(state, { change: 'ADDED', order: b });
    expect(ids(state)).toEqual(['30', '20']);
    expect(state.totalCount).toBe(2);
  });

  it('UPDATED: the row is replaced where it is', () => {
    let state = fromPage(page([a, b]));
    const changed = { ...b, note: 'refreshed' };
    state = applyEvent(state, { change: 'UPDATED', order: changed });
    expect(state.rows[1]).toBe(changed);
    expect(state.totalCount).toBe(2);
  });

  it('UPDATED to a decided status removes the row', () => {
    let state = fromPage(page([a, b]));
    state = applyEvent(state, { change: 'UPDATED', order: { ...a, status: 'CANCELED' } });
    expect(ids(state)).toEqual(['20']);
    expect(state.totalCount).toBe(1);
  });

  it('UPDATED of an order not held: inserted if it belongs among the loaded rows, not counted', () => {
    let state = fromPage(page([a, c], false, 3));
    state = applyEvent(state, { change: 'UPDATED', order: b });
    expect(ids(state)).toEqual(['30', '20', '10']);
    expect(state.totalCount).toBe(3);
    const later = applyEvent(fromPage(page([a], true, 3)), { change: 'UPDATED', order: c });
    expect(ids(later)).toEqual(['30']);
  });

  it('an UPDATED after a REMOVED does not bring the row back', () => {
    let state = fromPage(page([a, b]));
    state = applyEvent(state, { change: 'REMOVED', order: b });
    state = applyEvent(state, { change: 'UPDATED', order: b });
    expect(ids(state)).toEqual(['30']);
  });

  it('appends further pages without repeating rows already shown', () => {
    let state = fromPage(page([a], true, 3));
    state = applyEvent(state, { change: 'ADDED', order: order('25', '2026-12-07T13:30:00Z') });
    state = appendPage(state, page([order('25', '2026-12-07T13:30:00Z'), b, c], false, 4));
    expect(ids(state)).toEqual(['30', '25', '20', '10']);
    expect(state.hasNextPage).toBe(false);
    expect(state.totalCount).toBe(4);
  });

  it('a page does not bring back rows that left meanwhile', () => {
    let state = fromPage(page([a], true, 3));
    state = applyEvent(state, { change: 'REMOVED', order: b });
    state = appendPage(state, page([b, c], false, 2));
    expect(ids(state)).toEqual(['30', '10']);
  });
});
