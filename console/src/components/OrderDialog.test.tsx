import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { ImportedOrderQuery, PendingRowFieldsFragment } from '../gql/graphql';
import { fakeClient, fakeLive, renderWithApp } from '../test/fakes';
import { OrderDialog } from './OrderDialog';

const row: PendingRowFieldsFragment = {
  id: '1',
  orderId: 'gid://shopify/Order/1',
  orderNumber: '#1001',
  status: 'PENDING',
  paymentStatus: 'PENDING',
  platformStatus: 'PENDING',
  testOrder: true,
  canceledOnPlatform: false,
  checkedAt: '2026-12-07T14:10:30.000Z',
  placedAt: '2026-12-07T14:00:00.000Z',
  buyer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  total: { amount: '264.60', currencyCode: 'USD' },
  platform: { id: 'shopify', name: 'Shopify' },
  store: { id: 's1', name: 'Store s1' },
};

function full(decisions: NonNullable<ImportedOrderQuery['importedOrder']>['decisions']): ImportedOrderQuery {
  return {
    importedOrder: {
      ...row,
      importedAt: '2026-12-07T14:05:00.000Z',
      decidedAt: null,
      cancelReason: null,
      decisions,
      raw: { id: 'gid://shopify/Order/1' },
      lineItems: [],
    },
  };
}

function open(answer: ImportedOrderQuery) {
  const api = fakeClient({ ImportedOrder: () => answer });
  renderWithApp(<OrderDialog order={row} onClose={() => {}} />, { client: api.client, live: fakeLive().live });
  return screen.getByRole('dialog', { name: 'Order #1001' });
}

/** The <dd> of a <dt> in the details list. */
const detail = (dialog: HTMLElement, term: string) =>
  [...dialog.querySelectorAll('dt')].find((dt) => dt.textContent === term)?.nextElementSibling?.textContent;

describe('View', () => {
  it('shows the payment as the platform last said it, and when that was', async () => {
    const dialog = open(full([]));
    await waitFor(() => expect(within(dialog).getByText('Line items')).toBeTruthy());
    expect(detail(dialog, 'Payment status')).toBe('Payment pending Test order');
    expect(detail(dialog, 'Status on Shopify')).toBe('PENDING');
    expect(detail(dialog, 'Test order')).toBe('Yes');
    expect(detail(dialog, 'Canceled on Shopify')).toBe('No');
    const read = dialog.querySelector('dt + dd time[datetime="2026-12-07T14:10:30.000Z"]');
    expect(read?.closest('div')?.querySelector('dt')?.textContent).toBe('Last read from Shopify');
    expect(within(dialog).queryByText('Earlier decisions')).toBeNull();
  });

  it("lists a restored order's earlier decisions", async () => {
    const dialog = open(
      full([
        { status: 'CANCELED', by: 'SELLER', decidedAt: '2026-12-07T14:20:00.000Z', cancelReason: 'Duplicate' },
        { status: 'CANCELED', by: 'DISCONNECT', decidedAt: '2026-12-07T15:00:00.000Z', cancelReason: 'store disconnected' },
      ]),
    );
    await waitFor(() => expect(within(dialog).getByText('Earlier decisions')).toBeTruthy());
    const items = [...dialog.querySelectorAll('ol.decisions li')].map((li) => li.textContent);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^Canceled by the seller, .+: “Duplicate”$/);
    expect(items[1]).toMatch(/^Canceled when its store was disconnected, .+: “store disconnected”$/);
  });
});
