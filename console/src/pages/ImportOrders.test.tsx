import { act, fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { ImportReceiptQuery, JobFieldsFragment } from '../gql/graphql';
import { fakeClient, fakeLive, PLATFORMS, renderWithApp, store, type Handler } from '../test/fakes';
import { ImportOrdersPage } from './ImportOrders';

const shopify = PLATFORMS[0]!;
const paypal = PLATFORMS[1]!;
const s1 = store('s1', shopify, { name: 'Main shop' });
const s2 = store('s2', shopify, { name: 'Outlet' });
const p1 = store('p1', paypal, {
  name: 'PayPal account',
  webhookHealth: {
    lastDeliveryAt: '2026-12-07T08:00:00.000Z',
    lastRejectedAt: null,
    lastRejectedReason: null,
    usualGapSeconds: 600,
    quiet: true,
    message: 'No orders received by webhook for 5 hours — import missing orders.',
  },
});

function job(extra: Partial<JobFieldsFragment>): JobFieldsFragment {
  return {
    id: 'j1',
    method: 'TIME',
    orderId: null,
    hours: 6,
    status: 'SUCCEEDED',
    fetched: 12,
    imported: 3,
    skipped: 9,
    skippedPending: 0,
    skippedAccepted: 0,
    skippedInTransactionList: 9,
    skippedCanceled: 0,
    notFound: 0,
    errorCode: null,
    error: null,
    warning: null,
    startedAt: '2026-12-07T14:00:00.000Z',
    finishedAt: '2026-12-07T14:00:02.000Z',
    orderIds: null,
    dryRun: false,
    ...extra,
  };
}

type ReceiptLine = NonNullable<ImportReceiptQuery['importJob']>['receipt']['edges'][number]['node'];

function line(orderId: string, outcome: ReceiptLine['outcome'], extra: Partial<ReceiptLine> = {}): ReceiptLine {
  const found = outcome !== 'NOT_FOUND';
  return {
    orderId,
    orderNumber: found ? `#${orderId}` : null,
    placedAt: found ? '2026-12-07T13:00:00.000Z' : null,
    total: found ? { amount: '10.00', currencyCode: 'USD' } : null,
    outcome,
    importedOrder: null,
    ...extra,
  };
}

function receipt(lines: ReceiptLine[], more: { hasNextPage: boolean; totalCount: number } | null = null): ImportReceiptQuery {
  return {
    importJob: {
      id: 'j1',
      receipt: {
        totalCount: more?.totalCount ?? lines.length,
        pageInfo: { hasNextPage: more?.hasNextPage ?? false, endCursor: more?.hasNextPage ? 'c1' : null },
        edges: lines.map((node, n) => ({ cursor: `c${n}`, node })),
      },
    },
  };
}

function setup(importOrders: Handler, importReceipt: Handler = () => receipt([])) {
  const api = fakeClient({
    ImportOrders: importOrders,
    ImportReceipt: importReceipt,
    ImportJobs: () => ({ importJobs: { totalCount: 0, edges: [] } }),
    PendingImports: () => ({ pendingImports: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } }),
  });
  const live = fakeLive();
  renderWithApp(<ImportOrdersPage />, { client: api.client, live: live.live, stores: [s1, s2, p1] });
  return { api, live };
}

const platformSelect = () => screen.getByLabelText('Platform', { exact: true }) as HTMLSelectElement;
const storeSelect = () => screen.getByLabelText('Store', { exact: true }) as HTMLSelectElement;

describe('Import Filters', () => {
  it('lists the platforms by name, and a platform’s stores only once it is chosen', () => {
    setup(() => ({}));
    expect(screen.getByRole('heading', { name: 'Import Filters' })).toBeTruthy();
    expect([...platformSelect().options].map((o) => o.textContent)).toEqual(['Choose a platform', 'PayPal', 'Shopify']);
    expect(storeSelect().disabled).toBe(true);
    fireEvent.change(platformSelect(), { target: { value: 'shopify' } });
    expect(storeSelect().disabled).toBe(false);
    expect([...storeSelect().options].map((o) => o.textContent)).toEqual(['Choose a store', 'Main shop', 'Outlet']);
  });

  it('hints the platform’s order id label, and that ids may be listed', () => {
    setup(() => ({}));
    fireEvent.change(platformSelect(), { target: { value: 'shopify' } });
    const orderId = screen.getByRole('textbox', { name: 'Order IDs' }) as HTMLTextAreaElement;
    expect(orderId.tagName).toBe('TEXTAREA');
    expect(orderId.placeholder).toBe('Order number (#1001) or order ID');
    const hint = document.getElementById(orderId.getAttribute('aria-describedby')!.split(' ')[0]!)!;
    expect(hint.textContent).toBe(
      'Order number (#1001) or order ID. One order, or up to 100, one per line. Ctrl+Enter submits.',
    );
    const importBy = screen.getByRole('group', { name: 'Import By' });
    expect(importBy.tagName).toBe('FIELDSET');
  });

  it('offers 1h to 6h when importing by time', () => {
    setup(() => ({}));
    fireEvent.click(screen.getByRole('radio', { name: 'Time' }));
    expect(screen.getAllByRole('radio').map((r) => r.getAttribute('value'))).toEqual(['ORDER_ID', 'TIME', '1', '2', '3', '4', '5', '6']);
    for (const h of ['1h', '2h', '3h', '4h', '5h', '6h']) expect(screen.getByRole('radio', { name: h })).toBeTruthy();
  });

  it('puts a userError next to its field', async () => {
    setup(() => ({
      importOrders: {
        job: null,
        userErrors: [{ code: 'INVALID_INPUT', message: 'orderId must be 1 to 255 characters', field: ['orderId'] }],
      },
    }));
    fireEvent.change(platformSelect(), { target: { value: 'shopify' } });
    fireEvent.change(storeSelect(), { target: { value: 's1' } });
    const orderId = screen.getByRole('textbox', { name: 'Order IDs' });
    fireEvent.input(orderId, { target: { value: '#1001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(orderId.getAttribute('aria-invalid')).toBe('true'));
    expect(orderId.getAttribute('aria-describedby')).toContain('import-order-id-error');
    expect(document.getElementById('import-order-id-error')!.textContent).toBe('orderId must be 1 to 255 characters');
  });

  it('checks the form before sending', async () => {
    const { api } = setup(() => ({}));
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(platformSelect().getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById('import-platform-error')!.textContent).toBe('Choose a platform.');
    expect(api.calls.some((c) => c.name === 'ImportOrders')).toBe(false);
  });

  it('shows the result in one line, in a live region', async () => {
    const { api } = setup(() => ({ importOrders: { job: job({}), userErrors: [] } }));
    fireEvent.change(platformSelect(), { target: { value: 'shopify' } });
    fireEvent.change(storeSelect(), { target: { value: 's1' } });
    fireEvent.click(screen.getByRole('radio', { name: 'Time' }));
    fireEvent.click(screen.getByRole('radio', { name: '6h' }));
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() =>
      expect(screen.getByText('3 new orders pending, 9 already imported (9 in the Transaction List).')).toBeTruthy(),
    );
    expect(api.calls.find((c) => c.name === 'ImportOrders')!.variables).toEqual({ platform: 'shopify', store: 's1', hours: 6 });
    expect(screen.getByText('3 new orders pending, 9 already imported (9 in the Transaction List).').closest('[role="status"]')).toBeTruthy();
  });

  it('follows a RUNNING job on the importJob subscription until it ends, with its warning', async () => {
    const { live } = setup(() => ({ importOrders: { job: job({ status: 'RUNNING', fetched: 0, imported: 0, skipped: 0 }), userErrors: [] } }));
    fireEvent.change(platformSelect(), { target: { value: 'shopify' } });
    fireEvent.change(storeSelect(), { target: { value: 's1' } });
    fireEvent.input(screen.getByRole('textbox', { name: 'Order IDs' }), { target: { value: '#1001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(screen.getByText('Importing: 0 fetched, 0 imported, 0 skipped')).toBeTruthy());
    expect(live.subscriptions.find((s) => s.name === 'ImportJobProgress')?.variables).toEqual({ id: 'j1' });
    act(() => live.emit('ImportJobProgress', { importJob: job({ status: 'RUNNING', fetched: 5, imported: 1, skipped: 4 }) }));
    expect(screen.getByText('Importing: 5 fetched, 1 imported, 4 skipped')).toBeTruthy();
    act(() =>
      live.emit('ImportJobProgress', {
        importJob: job({ status: 'FAILED', fetched: 5, imported: 1, skipped: 4, errorCode: 'PLATFORM_AUTH', error: 'refused', warning: 'Reporting lags 3 hours.' }),
      }),
    );
    expect(screen.getByText('The import failed. 1 order imported before the failure stays pending.')).toBeTruthy();
    expect(screen.getByText(/\(PLATFORM_AUTH\)$/)).toBeTruthy();
    expect(screen.getByText('Reporting lags 3 hours.')).toBeTruthy();
  });

  it('a quiet store gets a banner whose button imports its last 6 hours', async () => {
    const { api } = setup(() => ({ importOrders: { job: job({}), userErrors: [] } }));
    expect(screen.getByText('No orders received by webhook for 5 hours — import missing orders.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Import the last 6 hours of PayPal account' }));
    await waitFor(() => expect(api.calls.some((c) => c.name === 'ImportOrders')).toBe(true));
    expect(api.calls.find((c) => c.name === 'ImportOrders')!.variables).toEqual({ platform: 'paypal', store: 'p1', hours: 6 });
    expect(platformSelect().value).toBe('paypal');
  });
});

describe('Import By Order ID, a list', () => {
  function chooseStore() {
    fireEvent.change(platformSelect(), { target: { value: 'shopify' } });
    fireEvent.change(storeSelect(), { target: { value: 's1' } });
  }
  const field = () => screen.getByRole('textbox', { name: 'Order IDs' });
  const imports = (api: ReturnType<typeof setup>['api']) => api.calls.filter((c) => c.name === 'ImportOrders');

  it('sends one id as orderId and several as orderIds, each once', async () => {
    const { api } = setup(() => ({ importOrders: { job: job({ method: 'ORDER_ID', hours: null }), userErrors: [] } }));
    chooseStore();
    fireEvent.input(field(), { target: { value: '  #1001 \n\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(imports(api)).toHaveLength(1));
    expect(imports(api)[0]!.variables).toEqual({ platform: 'shopify', store: 's1', orderId: '#1001' });

    fireEvent.input(field(), { target: { value: '#1001\n#1002, #1003\n\n#1001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(imports(api)).toHaveLength(2));
    expect(imports(api)[1]!.variables).toEqual({ platform: 'shopify', store: 's1', orderIds: ['#1001', '#1002', '#1003'] });
  });

  it('refuses more than 100 ids next to the field', async () => {
    const { api } = setup(() => ({}));
    chooseStore();
    fireEvent.input(field(), { target: { value: Array.from({ length: 101 }, (_, n) => `#${n}`).join('\n') } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(field().getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById('import-order-id-error')!.textContent).toBe(
      'Import at most 100 order IDs at a time; this list has 101.',
    );
    expect(document.activeElement).toBe(field());
    expect(imports(api)).toHaveLength(0);
  });

  it('puts a userError about orderIds next to the field', async () => {
    setup(() => ({
      importOrders: { job: null, userErrors: [{ code: 'INVALID_INPUT', message: 'orderIds must hold 1 to 100 ids', field: ['orderIds'] }] },
    }));
    chooseStore();
    fireEvent.input(field(), { target: { value: '#1\n#2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(field().getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById('import-order-id-error')!.textContent).toBe('orderIds must hold 1 to 100 ids');
  });

  it('submits on Ctrl+Enter or Cmd+Enter; a plain Enter is a new line', async () => {
    const { api } = setup(() => ({ importOrders: { job: job({ method: 'ORDER_ID', hours: null }), userErrors: [] } }));
    chooseStore();
    fireEvent.input(field(), { target: { value: '#1001' } });
    expect(fireEvent.keyDown(field(), { key: 'Enter' })).toBe(true); // not prevented: the textarea adds a line
    expect(imports(api)).toHaveLength(0);
    expect(fireEvent.keyDown(field(), { key: 'Enter', ctrlKey: true })).toBe(false);
    await waitFor(() => expect(imports(api)).toHaveLength(1));
    fireEvent.keyDown(field(), { key: 'Enter', metaKey: true });
    await waitFor(() => expect(imports(api)).toHaveLength(2));
  });

  it('shows the receipt of a finished import, each outcome in words, paged', async () => {
    const finished = job({ method: 'ORDER_ID', hours: null, orderIds: ['1', '2', '3'], fetched: 2, imported: 1, skipped: 1 });
    const pages = [
      receipt([line('1', 'IMPORTED'), line('2', 'IN_TRANSACTION_LIST')], { hasNextPage: true, totalCount: 3 }),
      receipt([line('3', 'NOT_FOUND')]),
    ];
    const { api } = setup(
      () => ({ importOrders: { job: finished, userErrors: [] } }),
      (variables) => (variables.after ? pages[1] : pages[0]),
    );
    chooseStore();
    fireEvent.input(field(), { target: { value: '1\n2\n3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    const table = await screen.findByRole('table', { name: 'Receipt: 3 orders' });
    expect(screen.getByText('Order IDs 1, 2, 3 · Main shop')).toBeTruthy();
    expect(table.closest('details')!.open).toBe(false);
    const outcomes = () => [...table.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('.badge')!.textContent);
    expect(outcomes()).toEqual(['Imported, now pending', 'Already in the Transaction List']);
    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(outcomes()).toHaveLength(3));
    expect(outcomes()[2]).toBe('The platform has no such order');
    expect(table.querySelector('tbody tr:last-child th')!.textContent).toBe('Order3');
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
    expect(api.calls.filter((c) => c.name === 'ImportReceipt').map((c) => c.variables)).toEqual([
      { id: 'j1', first: 50, after: null },
      { id: 'j1', first: 50, after: 'c1' },
    ]);
  });

  it('Preview runs the same import as a dry run, and says nothing was imported', async () => {
    const preview = job({ method: 'ORDER_ID', hours: null, orderId: '#1001', fetched: 1, imported: 1, skipped: 0, dryRun: true });
    const { api } = setup(
      (variables) => ({ importOrders: { job: variables.dryRun ? preview : job({ method: 'ORDER_ID', hours: null }), userErrors: [] } }),
      () => receipt([line('1001', 'IMPORTED')]),
    );
    chooseStore();
    fireEvent.input(field(), { target: { value: '#1001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const table = await screen.findByRole('table', { name: 'Preview receipt: 1 order' });
    expect(imports(api)[0]!.variables).toEqual({ platform: 'shopify', store: 's1', orderId: '#1001', dryRun: true });
    expect(screen.getByText('Preview: 1 new order would be pending. Nothing was imported.').closest('[role="status"]')).toBeTruthy();
    expect(table.closest('details')!.open).toBe(true);
    expect(table.querySelector('.badge')!.textContent).toBe('Would be imported as pending');

    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(imports(api)).toHaveLength(2));
    expect(imports(api)[1]!.variables).toEqual({ platform: 'shopify', store: 's1', orderId: '#1001' });
    await waitFor(() => expect(screen.getByText('3 new orders pending, 9 already imported (9 in the Transaction List).')).toBeTruthy());
    expect(screen.queryByText(/Nothing was imported/)).toBeNull();
  });
});
