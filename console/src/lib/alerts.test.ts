import { describe, expect, it } from 'vitest';
import { allRead, badgeText, bellLabel, kindWords, withAlert, type AlertItem } from './alerts';

function alert(id: string, readAt: string | null = null): AlertItem {
  return {
    id,
    at: '2026-12-07T10:00:00.000Z',
    kind: 'ORDERS_RECOVERED',
    message: `alert ${id}`,
    readAt,
    store: null,
    job: null,
    transaction: null,
  };
}

describe('the alerts bell', () => {
  it('names its unread count for screen readers and shows it short', () => {
    expect(bellLabel(0)).toBe('Alerts, none unread');
    expect(bellLabel(3)).toBe('Alerts, 3 unread');
    expect([badgeText(0), badgeText(7), badgeText(99), badgeText(100)]).toEqual(['', '7', '99', '99+']);
  });

  it('words every kind', () => {
    expect(kindWords('WEBHOOK_SILENT')).toBe('Webhooks silent');
    expect(kindWords('ORDER_CHANGED_AFTER_ACCEPT')).toBe('Changed after accept');
  });

  it('puts a new alert first, once, within the limit', () => {
    const list = [alert('b'), alert('a')];
    expect(withAlert(list, alert('c')).map((a) => a.id)).toEqual(['c', 'b', 'a']);
    expect(withAlert(list, alert('a')).map((a) => a.id)).toEqual(['a', 'b']);
    expect(withAlert(list, alert('c'), 2).map((a) => a.id)).toEqual(['c', 'b']);
  });

  it('marks the unread ones read, keeping when the others were read', () => {
    const list = allRead([alert('a', '2026-12-07T09:00:00.000Z'), alert('b')], '2026-12-07T11:00:00.000Z');
    expect(list.map((a) => a.readAt)).toEqual(['2026-12-07T09:00:00.000Z', '2026-12-07T11:00:00.000Z']);
  });
});
