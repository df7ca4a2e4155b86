import { fireEvent, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { TransactionsQuery } from '../gql/graphql';
import { fakeClient, fakeLive, renderWithApp } from '../test/fakes';
import { TransactionsPage } from './Transactions';

type Row = TransactionsQuery['transactions']['edges'][number]['node'];

function row(id: string, extra: Partial<Row>): Row {
  return {
    id,
    orderId: id,
    orderNumber: `#${id}`,
    status: 'SUCCEEDED',
    source: 'IMPORT',
    paymentStatus: 'PAID',
    testOrder: false,
    acceptedBy: 'token:ops',
    placedAt: '2026-12-07T14:00:00.000Z',
    buyer: { name: 'Ada Lovelace', email: null },
    total: { amount: '10.00', currencyCode: 'USD' },
    platform: { id: 'shopify', name: 'Shopify' },
    store: { id: 's1', name: 'Main shop' },
    platformChanges: [],
    ...extra,
  };
}

/** The Transaction List showing ``rows`` (one page); its table once rendered. */
async function listed(rows: Row[]) {
  const api = fakeClient({
    Transactions: () => ({
      transactions: {
        totalCount: rows.length,
        pageInfo: { hasNextPage: false, endCursor: null },
        edges: rows.map((node) => ({ cursor: node.id, node })),
      },
    }),
  });
  renderWithApp(<TransactionsPage />, { client: api.client, live: fakeLive().live });
  return screen.findByRole('table', { name: 'Transaction List' });
}

describe('Transaction List', () => {
  it('shows each row’s payment as badges, and who accepted it', async () => {
    const rows = [
      row('1001', { paymentStatus: 'PENDING', testOrder: true }),
      row('1002', { source: 'WEBHOOK', acceptedBy: null }),
    ];
    const table = await listed(rows);
    const cells = (number: string) => {
      const tr = within(table).getByText(number).closest('tr')!;
      const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
      return Object.fromEntries(
        [...tr.querySelectorAll('td')].map((td) => [headers[td.cellIndex], td.querySelector('.cell-value')!.textContent]),
      );
    };
    expect(cells('#1001')).toMatchObject({ Payment: 'Payment pending Test order', Source: 'Import accepted by ops' });
    expect(cells('#1002')).toMatchObject({ Payment: 'Paid', Source: 'Webhook' });
  });

  it('keeps a row as accepted and shows what the platform changed after, oldest first', async () => {
    const refund = (detectedAt: string, source: string, paymentStatus: 'PARTIALLY_REFUNDED' | 'REFUNDED') => ({
      detectedAt,
      source,
      paymentStatus,
      platformStatus: null,
      canceled: false,
      total: { amount: '10.00', currencyCode: 'USD' },
      summary: `${paymentStatus === 'REFUNDED' ? 'Refunded' : 'Partially refunded'} on Shopify: payment … → ${paymentStatus}`,
    });
    const rows = [
      row('1001', {
        platformChanges: [
          refund('2026-12-07T15:00:00.000Z', 'schedule', 'PARTIALLY_REFUNDED'),
          refund('2026-12-07T16:00:00.000Z', 'webhook:shopify', 'REFUNDED'),
        ],
      }),
      row('1002', {}),
    ];
    const table = await listed(rows);
    const changed = within(table).getByText('#1001').closest('tr')!;
    const untouched = within(table).getByText('#1002').closest('tr')!;

    expect(within(changed).getByText('Succeeded')).toBeTruthy();
    expect(within(changed).getByText('Paid')).toBeTruthy(); // the payment as the row recorded it
    expect(within(changed).getByText('Refunded after accept').className).toContain('badge-failed');
    const disclosure = within(changed).getByText(/2 changes after accept/);
    fireEvent.click(disclosure);
    const items = within(changed).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('Partially refunded on Shopify');
    expect(items[0]).toContain('seen by automatic recovery');
    expect(items[1]).toContain('seen by Shopify webhook');
    expect(untouched.textContent).not.toContain('after accept');
  });
});
