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

type BulkResult = { id: string; importedOrder?: PendingRowFieldsFragment | null; userErrors?: object[] };

/** A BulkDecisionPayload of these results (decided unless they carry userErrors). */
function bulkPayload(results: BulkResult[]) {
  const full = results.map((r) => ({ importedOrder: null, userErrors: [], ...r }));
  const failed = full.filter((r) => r.userErrors.length > 0).length;
  return { results: full, succeeded: full.length - failed, failed, userErrors: [] };
}

interface BulkHandlers {
  accept?: (ids: string[], force: boolean) => BulkResult[];
  /** The results, or the userErrors of a request refused as a whole. */
  cancel?: (ids: string[], reason: string | null) => BulkResult[] | { userErrors: object[] };
}

function setup(
  rows: PendingRowFieldsFragment[],
  accept: (id: string, force: boolean) => unknown = () => ({}),
  bulk: BulkHandlers = {},
) {
  let current = rows;
  const decideAll = (ids: string[]) => ids.map((id) => ({ id }));
  const api = fakeClient({
    PendingImports: () => pageOf(current),
    AcceptImports: (v) => ({
      acceptImports: bulkPayload((bulk.accept ?? decideAll)(v.ids as string[], v.force === true)),
    }),
    CancelImports: (v) => {
      const answer = (bulk.cancel ?? decideAll)(v.ids as string[], (v.reason as string | null) ?? null);
      return {
        cancelImports: Array.isArray(answer) ? bulkPayload(answer) : { ...bulkPayload([]), ...answer },
      };
    },
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

  describe('bulk decisions', () => {
    const r3 = row('3', '#1003', '2026-12-07T12:00:00.000Z');
    const box = (number: string) => screen.getByRole('checkbox', { name: `Select ${number}` }) as HTMLInputElement;
    const all = () => screen.getByRole('checkbox', { name: 'Select all on this page' }) as HTMLInputElement;
    const acceptSelected = () => screen.getByRole('button', { name: 'Accept selected' }) as HTMLButtonElement;
    const cancelSelected = () => screen.getByRole('button', { name: 'Cancel selected' }) as HTMLButtonElement;
    const bulkCalls = (api: { calls: { name: string; variables: Record<string, unknown> }[] }, name: string) =>
      api.calls.filter((c) => c.name === name).map((c) => c.variables);
    const refused = (code: string, message = code) => ({ userErrors: [{ code, message }] });
    const removed = (order: PendingRowFieldsFragment, status: PendingRowFieldsFragment['status']) => ({
      pendingImports: { change: 'REMOVED', order: { ...order, status } },
    });
    const gone = (number: string) => {
      const list = screen.queryByRole('table', { name: 'Import Transaction List' });
      return !list || within(list).queryByRole('cell', { name: number }) === null;
    };

    it('a checkbox per row named for its order, Select all on this page, buttons disabled with none selected', async () => {
      setup([r1, r2, r3]);
      await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
      expect(within(rowOf('#1002')).getByRole('checkbox', { name: 'Select #1002' })).toBeTruthy();
      expect(acceptSelected().disabled).toBe(true);
      expect(cancelSelected().disabled).toBe(true);

      fireEvent.click(box('#1002'));
      expect(box('#1002').checked).toBe(true);
      expect(screen.getByText('1 selected')).toBeTruthy();
      expect(acceptSelected().disabled).toBe(false);
      expect(all().checked).toBe(false);
      expect(all().indeterminate).toBe(true);

      fireEvent.click(all());
      expect([box('#1001'), box('#1002'), box('#1003')].every((b) => b.checked)).toBe(true);
      expect(all().checked).toBe(true);
      expect(screen.getByText('3 selected')).toBeTruthy();

      fireEvent.click(all());
      expect([box('#1001'), box('#1002'), box('#1003')].some((b) => b.checked)).toBe(false);
      expect(acceptSelected().disabled).toBe(true);
    });

    it('selects at most 100, and says so when the seller tries more', async () => {
      const many = Array.from({ length: 101 }, (_, i) =>
        row(String(i + 1), `#${2000 + i}`, new Date(Date.UTC(2026, 11, 7, 12, 0, 0) - i * 1000).toISOString()),
      );
      setup(many);
      await waitFor(() => expect(rowOf('#2000')).toBeTruthy());
      fireEvent.click(all());
      expect(screen.getByText('100 selected')).toBeTruthy();
      expect(box('#2100').checked).toBe(false);
      expect(screen.getByRole('status').textContent).toBe('At most 100 orders can be decided at once.');

      // One more, by its own checkbox: it stays unchecked.
      fireEvent.click(box('#2100'));
      expect(box('#2100').checked).toBe(false);
      expect(screen.getByText('100 selected')).toBeTruthy();
      // With room again, it can be selected.
      fireEvent.click(box('#2000'));
      fireEvent.click(box('#2100'));
      expect(box('#2100').checked && !box('#2000').checked).toBe(true);
      expect(screen.getByText('100 selected')).toBeTruthy();
    }, 20_000); // 101 rows render slowly in happy-dom on a busy machine

    it('Accept selected: the accepted leave, the held stay selected and are offered Accept anyway', async () => {
      const unpaid = { ...r2, paymentStatus: 'PENDING' as const };
      const test = { ...r3, testOrder: true };
      const { api } = setup([r1, unpaid, test], undefined, {
        accept: (ids, force) =>
          ids.map((id) =>
            force || id === '1'
              ? { id }
              : id === '2'
                ? { id, importedOrder: unpaid, ...refused('PAYMENT_NOT_CAPTURED') }
                : { id, importedOrder: test, ...refused('TEST_ORDER') },
          ),
      });
      await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
      fireEvent.click(all());
      fireEvent.click(acceptSelected());

      const dialog = await screen.findByRole('dialog', { name: 'Accept 2 held orders anyway?' });
      expect(bulkCalls(api, 'AcceptImports')).toEqual([{ ids: ['1', '2', '3'], force: false }]);
      expect(api.calls.some((c) => c.name === 'AcceptImport')).toBe(false);
      expect(screen.getByRole('status').textContent).toBe('1 accepted, 2 held: 1 payment not captured, 1 test order');
      expect(document.getElementById('force-risks')?.textContent).toBe(
        'The payment for #1002 is not captured (Payment pending). Accepting releases the goods without payment.' +
          '#1003 is a test order on Shopify: no real payment was made. ' +
          'Accepting releases the goods as for a real order.',
      );
      expect(gone('#1001')).toBe(true);
      expect(box('#1002').checked && box('#1003').checked).toBe(true);
      expect(screen.getByText('2 selected')).toBeTruthy();

      fireEvent.click(within(dialog).getByRole('button', { name: 'Accept anyway' }));
      await waitFor(() => expect(gone('#1002') && gone('#1003')).toBe(true));
      expect(bulkCalls(api, 'AcceptImports')).toEqual([
        { ids: ['1', '2', '3'], force: false },
        { ids: ['2', '3'], force: true },
      ]);
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(screen.getByRole('status').textContent).toBe('2 accepted anyway');
      expect(screen.getByText('No pending orders. Import missing orders above.')).toBeTruthy();
    });

    it('Keep pending: the held stay pending and selected, nothing is forced', async () => {
      const unpaid = { ...r2, paymentStatus: 'PENDING' as const };
      const { api } = setup([r1, unpaid], undefined, {
        accept: (ids) =>
          ids.map((id) =>
            id === '2' ? { id, importedOrder: unpaid, ...refused('PAYMENT_NOT_CAPTURED') } : { id },
          ),
      });
      await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
      fireEvent.click(all());
      fireEvent.click(acceptSelected());
      const dialog = await screen.findByRole('dialog', { name: 'Accept order #1002 anyway?' });
      fireEvent.click(within(dialog).getByRole('button', { name: 'Keep pending' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      expect(screen.getByRole('status').textContent).toBe('Order #1002 stays pending.');
      expect(box('#1002').checked).toBe(true);
      expect(bulkCalls(api, 'AcceptImports')).toEqual([{ ids: ['1', '2'], force: false }]);
      expect(screen.getByText('1 pending order')).toBeTruthy();
    });

    it('each id on its own: already decided leaves, ORDER_CHANGED and a platform error stay by their rows', async () => {
      const refunded = { ...r2, paymentStatus: 'REFUNDED' as const };
      setup([r1, r2, r3], undefined, {
        accept: () => [
          { id: '1', importedOrder: { ...r1, status: 'ACCEPTED' }, ...refused('ALREADY_DECIDED') },
          { id: '2', importedOrder: refunded, ...refused('ORDER_CHANGED') },
          { id: '3', ...refused('PLATFORM_UNAVAILABLE', 'Shopify answered 503 after 3 tries') },
        ],
      });
      await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
      fireEvent.click(all());
      fireEvent.click(acceptSelected());
      await waitFor(() => expect(gone('#1001')).toBe(true));
      expect(screen.getByRole('status').textContent).toBe(
        '0 accepted, 1 already decided, 1 changed on the platform, 1 not decided (see the rows)',
      );
      expect(within(rowOf('#1002')).getByRole('alert').textContent).toBe(
        'Shopify says #1002 is now refunded. Look at it again before deciding.',
      );
      expect(within(rowOf('#1002')).getByText('Refunded')).toBeTruthy();
      expect(within(rowOf('#1003')).getByRole('alert').textContent).toBe('Shopify answered 503 after 3 tries');
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(screen.getByText('2 pending orders')).toBeTruthy();
    });

    it('Cancel selected: the reason dialog, one cancelImports with the reason, the canceled leave', async () => {
      const { api } = setup([r1, r2, r3], undefined, {
        cancel: (ids) => ids.map((id) => (id === '3' ? { id, ...refused('ALREADY_DECIDED') } : { id })),
      });
      await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
      fireEvent.click(box('#1001'));
      fireEvent.click(box('#1003'));
      fireEvent.click(cancelSelected());
      const dialog = await screen.findByRole('dialog', { name: 'Mark 2 selected orders as canceled' });
      fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: '  duplicate  ' } });
      fireEvent.click(within(dialog).getByRole('button', { name: 'Mark as Cancel' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      expect(bulkCalls(api, 'CancelImports')).toEqual([{ ids: ['1', '3'], reason: 'duplicate' }]);
      expect(gone('#1001') && gone('#1003')).toBe(true);
      expect(rowOf('#1002')).toBeTruthy();
      expect(screen.getByRole('status').textContent).toBe('1 canceled, 1 already decided');
      expect(screen.getByText('1 pending order')).toBeTruthy();
      expect(cancelSelected().disabled).toBe(true);
    });

    it('Cancel selected: a refused reason stays in the dialog and nothing leaves', async () => {
      const refused = { code: 'INVALID_INPUT', message: 'The reason is refused.', field: ['reason'] };
      const { api } = setup([r1], undefined, { cancel: () => ({ userErrors: [refused] }) });
      await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
      fireEvent.click(box('#1001'));
      fireEvent.click(cancelSelected());
      const dialog = await screen.findByRole('dialog', { name: 'Mark 1 selected order as canceled' });
      fireEvent.click(within(dialog).getByRole('button', { name: 'Mark as Cancel' }));
      await waitFor(() => expect(within(dialog).getByText('The reason is refused.')).toBeTruthy());
      expect(api.calls.filter((c) => c.name === 'CancelImports').length).toBe(1);
      expect(rowOf('#1001')).toBeTruthy();
    });

    it('live REMOVED events: counted once beside our own decisions; a row decided elsewhere is unselected', async () => {
      const { live } = setup([r1, r2, r3]);
      await waitFor(() => expect(rowOf('#1001')).toBeTruthy());
      fireEvent.click(all());
      // #1003 was decided in another console: it leaves and is no longer selected.
      act(() => live.emit('PendingImportsLive', removed(r3, 'CANCELED')));
      expect(gone('#1003')).toBe(true);
      expect(screen.getByText('2 selected')).toBeTruthy();
      expect(screen.getByText('2 pending orders')).toBeTruthy();

      fireEvent.click(acceptSelected());
      await waitFor(() => expect(gone('#1001') && gone('#1002')).toBe(true));
      // The REMOVED events of our own accepts arrive after the answer: not counted again.
      for (const order of [r1, r2, r3]) {
        act(() => live.emit('PendingImportsLive', removed(order, 'ACCEPTED')));
      }
      expect(screen.getByText('0 pending orders')).toBeTruthy();
      expect(screen.getByRole('status').textContent).toBe('2 accepted');
    });
  });
});
