import { act, fireEvent, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { JobFieldsFragment } from '../gql/graphql';
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
    errorCode: null,
    error: null,
    warning: null,
    startedAt: '2026-12-07T14:00:00.000Z',
    finishedAt: '2026-12-07T14:00:02.000Z',
    ...extra,
  };
}

function setup(importOrders: Handler) {
  const api = fakeClient({
    ImportOrders: importOrders,
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

  it('hints the platform’s order id label', () => {
    setup(() => ({}));
    fireEvent.change(platformSelect(), { target: { value: 'shopify' } });
    const orderId = screen.getByRole('textbox', { name: 'Order ID' }) as HTMLInputElement;
    expect(orderId.placeholder).toBe('Order number (#1001) or order ID');
    const hint = document.getElementById(orderId.getAttribute('aria-describedby')!.split(' ')[0]!)!;
    expect(hint.textContent).toBe('Order number (#1001) or order ID');
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
    const orderId = screen.getByRole('textbox', { name: 'Order ID' });
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
    fireEvent.input(screen.getByRole('textbox', { name: 'Order ID' }), { target: { value: '#1001' } });
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
