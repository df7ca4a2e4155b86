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

type Entry = NonNullable<ImportedOrderQuery['importedOrder']>['history'][number];

function full(history: Entry[], extra: Partial<NonNullable<ImportedOrderQuery['importedOrder']>> = {}): ImportedOrderQuery {
  return {
    importedOrder: {
      ...row,
      importedAt: '2026-12-07T14:05:00.000Z',
      decidedAt: null,
      decidedBy: null,
      cancelReason: null,
      history,
      raw: { id: 'gid://shopify/Order/1' },
      lineItems: [],
      ...extra,
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
    expect(within(dialog).getByText('Nothing recorded yet.')).toBeTruthy();
  });

  it('shows its history, oldest first: when, what, who and the detail that matters', async () => {
    const history: Entry[] = [
      { id: 'a1', at: '2026-12-07T14:05:00.000Z', actor: 'token:ops', action: 'ORDER_IMPORTED', detail: {} },
      {
        id: 'a2',
        at: '2026-12-07T14:10:00.000Z',
        actor: 'token:ops',
        action: 'CANCELED',
        detail: { reason: 'Duplicate of a phone order' },
      },
      { id: 'a3', at: '2026-12-07T14:15:00.000Z', actor: 'schedule', action: 'ORDER_RESTORED', detail: {} },
      {
        id: 'a4',
        at: '2026-12-07T14:20:00.000Z',
        actor: 'token:ops',
        action: 'FORCED_ACCEPT',
        detail: { refused: 'PAYMENT_NOT_CAPTURED', paymentStatus: 'PENDING', testOrder: true, canceled: false, platformStatus: 'pending' },
      },
    ];
    const dialog = open(full(history, { status: 'ACCEPTED', decidedBy: 'token:ops', decidedAt: '2026-12-07T14:20:00.000Z' }));
    const list = await within(dialog).findByRole('list', { name: 'History' });
    const items = [...list.querySelectorAll('li')];
    expect(items.map((li) => li.querySelector('.history-what')!.textContent)).toEqual([
      'Imported as pending by ops',
      'Marked as canceled by ops',
      'Pending again (restored by an import) by automatic recovery',
      'Accepted anyway by ops',
    ]);
    expect(items[0]!.querySelector('time')!.getAttribute('datetime')).toBe('2026-12-07T14:05:00.000Z');
    expect(items[1]!.querySelector('.sub')!.textContent).toBe('Reason: “Duplicate of a phone order”');
    expect(items[3]!.querySelector('.sub')!.textContent).toBe(
      'Over the payment guard: Payment pending, test order, platform status “pending”.',
    );
    expect(detail(dialog, 'Status')).toBe('Accepted by ops');
  });
});
