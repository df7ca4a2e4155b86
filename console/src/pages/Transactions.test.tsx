import { screen, within } from '@testing-library/preact';
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
    ...extra,
  };
}

describe('Transaction List', () => {
  it('shows each row’s payment as badges, and who accepted it', async () => {
    const rows = [
      row('1001', { paymentStatus: 'PENDING', testOrder: true }),
      row('1002', { source: 'WEBHOOK', acceptedBy: null }),
    ];
    const api = fakeClient({
      Transactions: () => ({
        transactions: {
          totalCount: 2,
          pageInfo: { hasNextPage: false, endCursor: null },
          edges: rows.map((node) => ({ cursor: node.id, node })),
        },
      }),
    });
    renderWithApp(<TransactionsPage />, { client: api.client, live: fakeLive().live });
    const table = await screen.findByRole('table', { name: 'Transaction List' });
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
});
