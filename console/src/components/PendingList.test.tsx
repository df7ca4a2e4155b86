import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { PendingRowFieldsFragment } from '../gql/graphql';
import { fakeClient, fakeLive, PLATFORMS, renderWithApp, store } from '../test/fakes';
import { PendingList } from './PendingList';

const shopify = PLATFORMS[0]!;
const s1 = store('s1', shopify);

function row(id: string, number: string, placedAt: string, status: PendingRowFieldsFragment['status'] = 'PENDING'): PendingRowFieldsFragment {
  return {
    id,
    orderId: `gid-${id}`,
    orderNumber: number,
    status,
    paymentStatus: 'PAID',
    platformStatus: 'paid',
    testOrder: false,
    canceledOnPlatform: false,
    checkedAt: placedAt,
    placedAt,
    buyer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    total: { amount: '264.60', currencyCode: 'USD' },
    platform: { id: 'shopify', name: 'Shopify' },
    store: { id: 's1', name: s1.name },
  };
}

const r1 = row('1', '#1001', '2026-12-07T14:00:00.000Z');
const r2 = row('2', '#1002', '2026-12-07T13:00:00.000Z');

function pageOf(rows: PendingRowFieldsFragment[]) {
  return {
    pendingImports: {
      totalCount: rows.length,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: rows.map((node) => ({ cursor: node.id, node })),
    },
  };
}

function setup(rows: PendingRowFieldsFragment[], accept: (id: string, force: boolean) => unknown = () => ({})) {
  let current = rows;
  const api = fakeClient({
    PendingImports: () => pageOf(current),
    AcceptImport: (v) => ({
      acceptImport: {
        importedOrder: null,
        transaction: null,
        userErrors: [],
        ...(accept(v.id as string, v.force === true) as object),
      },
    }),
  });
  const live = fakeLive();
  const view = renderWithApp(<PendingList />, { client: api.client, live: live.live, stores: [s1] });
  return { ...view, api, live, setRows: (next: PendingRowFieldsFragment[]) => (current = next) };
}

const table = () => screen.getByRole('table', { name: 'Import Transaction List' });
const rowOf = (number: string) => within(table()).getByRole('cell', { name: number }).closest('tr') as HTMLElement;

describe('Import Transaction List', () => {
  it('shows the pending orders with their actions', async () => {
    setup([r1, r2]);
    await waitFor(() => expect(screen.getByText('2 pending orders')).toBeTruthy());
    const first = rowOf('#1001');
    expect(within(first).getByText('Pending')).toBeTruthy();
    expect(within(first).getByText('$264.60')).toBeTruthy();
    const accept = within(first).getByRole('button', { name: 'Accept Buyer' });
    expect(accept.getAttribute('aria-describedby')).toBe('order-1');
    expect(document.getElementById('order-1')?.textContent).toContain('#1001');
    expect(within(first).getByRole('button', { name: 'Mark as Cancel' })).toBeTruthy();
    expect(within(first).getByRole('button', { name: 'View' })).toBeTruthy();
    const time = first.querySelector('time')!;
    expect(time.getAttribute('dateTime') ?? time.getAttribute('datetime')).toBe('2026-12-07T14:00:00.000Z');
    expect(time.getAttribute('title')).toBe('2026-12-07 14:00:00 UTC');
  });

  it('says so when there is nothing pending', async () => {
    setup([]);
    await waitFor(() => expect(screen.getByText('No pending orders. Import missing orders above.')).toBeTruthy());
  });

  it('follows live events: ADDED rows appear, REMOVED rows leave, UPDATED rows change', async () => {
    const { live } = setup([r1]);
    await waitFor(() => expect(screen.getByText('1 pending order')).toBeTruthy());
    expect(live.subscriptions[0]).toMatchObject({ name: 'PendingImportsLive', variables: { platform: null, store: null } });

    act(() => live.emit('PendingImportsLive', { pendingImports: { change: 'ADDED', order: r2 } }));
    expect(rowOf('#1002')).toBeTruthy();
    expect(screen.getByText('2 pending orders')).toBeTruthy();

    act(() =>
      live.emit('PendingImportsLive', {
        pendingImports: { change: 'UPDATED', order: { ...r2, paymentStatus: 'PARTIALLY_REFUNDED' } },
      }),
    );
    expect(within(rowOf('#1002')).getByText('Partially refunded')).toBeTruthy();

    act(() => live.emit('PendingImportsLive', { pendingImports: { change: 'REMOVED', order: { ...r1, status: 'ACCEPTED' } } }));
    expect(within(table()).queryByRole('cell', { name: '#1001' })).toBeNull();
    expect(screen.getByText('1 pending order')).toBeTruthy();
  });

  it('fetches the list again when the socket reconnects', async () => {
    const { live, api, setRows } = setup([r1]);
    await waitFor(() => expect(screen.getByText('1 pending order')).toBeTruthy());
    setRows([r1, r2]);
    act(() => live.reconnect());
    await waitFor(() => expect(screen.getByText('2 pending orders')).toBeTruthy());
    expect(api.calls.filter((c) => c.name === 'PendingImports').length).toBe(2);
  });

  it('Accept Buyer: the row leaves and the seller is told', async () => {
    setup([r1, r2]);
    await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
    fireEvent.click(within(rowOf('#1001')).getByRole('button', { name: 'Accept Buyer' }));
    await waitFor(() => expect(within(table()).queryByRole('cell', { name: '#1001' })).toBeNull());
    expect(screen.getByRole('status').textContent).toBe('Order #1001 accepted: it is in the Transaction List as Succeeded.');
  });

  it('ALREADY_DECIDED: "This order was already decided" and the row leaves', async () => {
    setup([r1, r2], () => ({
      userErrors: [{ code: 'ALREADY_DECIDED', message: 'this order was accepted or canceled already', field: ['id'] }],
    }));
    await waitFor(() => expect(rowOf('#1002')).toBeTruthy());
    fireEvent.click(within(rowOf('#1002')).getByRole('button', { name: 'Accept Buyer' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('This order was already decided'));
    expect(within(table()).queryByRole('cell', { name: '#1002' })).toBeNull();
  });

  it('a platform error stays next to the row, described by it', async () => {
    const message = 'Shopify could not be asked about this order again before deciding: 503 after 3 tries';
    setup([r1], () => ({ userErrors: [{ code: 'PLATFORM_UNAVAILABLE', message, field: ['id'] }] }));
    await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
    const accept = within(rowOf('#1001')).getByRole('button', { name: 'Accept Buyer' });
    fireEvent.click(accept);
    await waitFor(() => expect(within(rowOf('#1001')).getByRole('alert').textContent).toBe(message));
    expect(accept.getAttribute('aria-describedby')).toBe('order-1 row-error-1');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows the payment of each row as badges in words', async () => {
    setup([{ ...r1, paymentStatus: 'PENDING', testOrder: true }, { ...r2, paymentStatus: 'REFUNDED', canceledOnPlatform: true }]);
    await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
    const badges = (number: string) => [...rowOf(number).querySelectorAll('.badge')].map((b) => b.textContent);
    expect(badges('#1001')).toEqual(['Payment pending', 'Test order', 'Pending']);
    expect(badges('#1002')).toEqual(['Refunded', 'Canceled on Shopify', 'Pending']);
  });

  it('the guard refuses: a confirmation names the risk, Accept anyway forces it and the row leaves', async () => {
    const unpaid = { ...r1, paymentStatus: 'PENDING' as const };
    const { api } = setup([unpaid, r2], (_id, force) =>
      force
        ? {}
        : {
            importedOrder: unpaid,
            userErrors: [{ code: 'PAYMENT_NOT_CAPTURED', message: 'the payment is not captured (PENDING)', field: ['id'] }],
          },
    );
    await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
    fireEvent.click(within(rowOf('#1001')).getByRole('button', { name: 'Accept Buyer' }));

    const dialog = await screen.findByRole('dialog', { name: 'Accept order #1001 anyway?' });
    expect(dialog.getAttribute('aria-describedby')).toBe('force-risks');
    expect(document.getElementById('force-risks')?.textContent).toBe(
      'The payment for #1001 is not captured (Payment pending). Accepting releases the goods without payment.',
    );
    expect(rowOf('#1001')).toBeTruthy();
    expect(api.calls.filter((c) => c.name === 'AcceptImport').map((c) => c.variables)).toEqual([{ id: '1', force: false }]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Accept anyway' }));
    await waitFor(() => expect(within(table()).queryByRole('cell', { name: '#1001' })).toBeNull());
    expect(api.calls.filter((c) => c.name === 'AcceptImport').map((c) => c.variables)).toEqual([
      { id: '1', force: false },
      { id: '1', force: true },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe(
      'Order #1001 accepted anyway: it is in the Transaction List as Succeeded.',
    );
  });

  it('Keep pending: nothing is forced and the row stays', async () => {
    const { api } = setup([r1], () => ({
      importedOrder: { ...r1, testOrder: true },
      userErrors: [{ code: 'TEST_ORDER', message: 'the platform marks this order as a test order', field: ['id'] }],
    }));
    await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
    fireEvent.click(within(rowOf('#1001')).getByRole('button', { name: 'Accept Buyer' }));
    const dialog = await screen.findByRole('dialog', { name: 'Accept order #1001 anyway?' });
    expect(dialog.textContent).toContain('#1001 is a test order on Shopify: no real payment was made.');
    expect(within(rowOf('#1001')).getByText('Test order')).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep pending' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(rowOf('#1001')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Order #1001 stays pending.');
    expect(api.calls.filter((c) => c.name === 'AcceptImport').length).toBe(1);
  });

  it('ORDER_CHANGED: says what the platform changed, the row stays and shows the order as it now stands', async () => {
    setup([r1], () => ({
      importedOrder: { ...r1, paymentStatus: 'REFUNDED', platformStatus: 'refunded' },
      userErrors: [{ code: 'ORDER_CHANGED', message: 'Shopify says this order is now refunded', field: ['id'] }],
    }));
    await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
    fireEvent.click(within(rowOf('#1001')).getByRole('button', { name: 'Accept Buyer' }));
    await waitFor(() =>
      expect(within(rowOf('#1001')).getByRole('alert').textContent).toBe(
        'Shopify says #1001 is now refunded. Look at it again before deciding.',
      ),
    );
    expect(within(rowOf('#1001')).getByText('Refunded')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('1 pending order')).toBeTruthy();
  });
});
