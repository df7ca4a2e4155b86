import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { AlertFieldsFragment } from '../gql/graphql';
import { fakeClient, fakeLive, renderWithApp, type Handler } from '../test/fakes';
import { AlertsBell } from './AlertsBell';

function alert(id: string, extra: Partial<AlertFieldsFragment> = {}): AlertFieldsFragment {
  return {
    id,
    at: '2026-12-07T10:00:00.000Z',
    kind: 'ORDERS_RECOVERED',
    message: `3 orders that webhooks missed were found on Store ${id}`,
    readAt: null,
    store: { id: 's1', name: 'Main shop' },
    job: null,
    transaction: null,
    ...extra,
  };
}

function setup(initial: AlertFieldsFragment[], unread: number, more: Record<string, Handler> = {}) {
  let stored = initial;
  let count = unread;
  const api = fakeClient({
    AlertCount: () => ({ unreadAlertCount: count }),
    Alerts: () => ({
      alerts: { totalCount: stored.length, edges: stored.map((node) => ({ node })) },
      unreadAlertCount: count,
    }),
    MarkAlertsRead: () => {
      const marked = count;
      count = 0;
      stored = stored.map((a) => ({ ...a, readAt: a.readAt ?? '2026-12-07T12:00:00.000Z' }));
      return { markAlertsRead: { marked, userErrors: [] } };
    },
    ...more,
  });
  const feed = fakeLive();
  renderWithApp(<AlertsBell />, { client: api.client, live: feed.live });
  return {
    api,
    feed,
    raise(next: AlertFieldsFragment) {
      stored = [next, ...stored];
      count += 1;
      act(() => feed.emit('AlertsLive', { alerts: next }));
    },
    setUnread(n: number) {
      count = n;
    },
  };
}

const bell = (name: RegExp | string = /^Alerts,/) => screen.getByRole('button', { name });

describe('AlertsBell', () => {
  it('shows the unread count, live', async () => {
    const { raise } = setup([alert('a')], 1);
    await waitFor(() => expect(bell('Alerts, 1 unread')).toBeTruthy());
    expect(bell().getAttribute('aria-haspopup')).toBe('dialog');

    raise(alert('b', { kind: 'WEBHOOK_SILENT', message: 'Webhooks of Main shop went quiet' }));

    expect(bell('Alerts, 2 unread').textContent).toContain('2');
    expect(screen.getByRole('status').textContent).toBe('New alert: Webhooks of Main shop went quiet');
  });

  it('counts again after the live connection came back', async () => {
    const { feed, setUnread, api } = setup([], 0);
    await waitFor(() => expect(bell('Alerts, none unread')).toBeTruthy());
    setUnread(4);
    act(() => feed.reconnect());
    await waitFor(() => expect(bell('Alerts, 4 unread')).toBeTruthy());
    expect(api.calls.filter((c) => c.name === 'AlertCount')).toHaveLength(2);
  });

  it('lists the recent alerts in a dialog and marks them all read', async () => {
    const { api } = setup(
      [
        alert('b', {
          kind: 'ORDER_CHANGED_AFTER_ACCEPT',
          message: 'Order #1001 was refunded on Shopify',
          transaction: { id: 't1', orderNumber: '#1001' },
        }),
        alert('a', { readAt: '2026-12-07T11:00:00.000Z' }),
      ],
      1,
    );
    await waitFor(() => expect(bell('Alerts, 1 unread')).toBeTruthy());
    bell().focus();
    fireEvent.click(bell());

    const dialog = await screen.findByRole('dialog', { name: 'Alerts' });
    expect(bell().getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement?.textContent).toBe('Close');
    const items = await within(dialog).findAllByRole('listitem');
    expect(items.map((item) => item.getAttribute('aria-labelledby'))).toEqual(['alert-b', 'alert-a']);
    expect(within(items[0]!).getByText('Unread')).toBeTruthy();
    expect(within(items[0]!).getByText('Order #1001 was refunded on Shopify')).toBeTruthy();
    expect(within(items[0]!).getByRole('link', { name: 'Order #1001 in the Transaction List' }).getAttribute('href')).toBe(
      '/transactions',
    );
    expect(within(items[1]!).getByText('Read')).toBeTruthy();
    expect(within(items[1]!).getByText('Main shop', { exact: false })).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Mark all read' }));

    await waitFor(() => expect(bell('Alerts, none unread')).toBeTruthy());
    expect(api.calls.find((c) => c.name === 'MarkAlertsRead')?.variables).toEqual({ ids: null });
    expect(within(dialog).queryByText('Unread')).toBeNull();
    expect((within(dialog).getByRole('button', { name: 'Mark all read' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent(dialog, new Event('cancel', { cancelable: true }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(document.activeElement).toBe(bell());
  });

  it('adds an alert raised while the dialog is open to its list', async () => {
    const { raise } = setup([alert('a')], 1);
    await waitFor(() => expect(bell('Alerts, 1 unread')).toBeTruthy());
    fireEvent.click(bell());
    const dialog = await screen.findByRole('dialog', { name: 'Alerts' });
    await within(dialog).findAllByRole('listitem');

    raise(alert('b', { kind: 'IMPORT_FAILING', message: 'Scheduled imports of Main shop keep failing' }));

    const items = within(dialog).getAllByRole('listitem');
    expect(items.map((item) => item.getAttribute('aria-labelledby'))).toEqual(['alert-b', 'alert-a']);
    expect(bell('Alerts, 2 unread')).toBeTruthy();
  });
});

describe('an alert about an import', () => {
  it('shows the import’s receipt on request', async () => {
    const job = {
      id: 'j1',
      method: 'TIME' as const,
      orderId: null,
      hours: 2,
      status: 'SUCCEEDED' as const,
      fetched: 3,
      imported: 3,
      skipped: 0,
      skippedPending: 0,
      skippedAccepted: 0,
      skippedInTransactionList: 0,
      skippedCanceled: 0,
      notFound: 0,
      errorCode: null,
      error: null,
      warning: null,
      startedAt: '2026-12-07T10:00:00.000Z',
      finishedAt: '2026-12-07T10:00:02.000Z',
      orderIds: null,
      dryRun: false,
    };
    const receipts: string[] = [];
    const empty = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };
    setup([alert('a', { job })], 1, {
      ImportReceipt: (variables) => {
        receipts.push(variables.id as string);
        return { importJob: { id: variables.id, receipt: empty } };
      },
    });
    await waitFor(() => expect(bell('Alerts, 1 unread')).toBeTruthy());
    fireEvent.click(bell());
    const dialog = await screen.findByRole('dialog', { name: 'Alerts' });
    const toggle = await within(dialog).findByRole('button', { name: 'Show the import’s receipt' });
    expect(receipts).toEqual([]);

    fireEvent.click(toggle);

    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await within(dialog).findByText('Receipt: 0 orders');
    expect(receipts).toEqual(['j1']);
  });
});
