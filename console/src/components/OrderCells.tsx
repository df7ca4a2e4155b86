import type { MoneyValue } from '../lib/format';
import { Cell } from './Cell';
import { Money } from './Money';
import { Time } from './Time';

/** What both order tables (pending imports and the Transaction List) show of an order. */
export interface OrderSummary {
  orderNumber: string;
  platform: { name: string };
  store: { name: string };
  placedAt: string;
  buyer: { name?: string | null; email?: string | null };
  total: MoneyValue;
}

/** The leading cells of an order's row: number, platform, store, placed at, buyer and total. */
export function OrderCells({ row, numberId }: { row: OrderSummary; numberId?: string }) {
  return (
    <>
      <Cell label="Order" id={numberId} class="order-number">
        {row.orderNumber}
      </Cell>
      <Cell label="Platform">{row.platform.name}</Cell>
      <Cell label="Store">{row.store.name}</Cell>
      <Cell label="Placed at">
        <Time value={row.placedAt} />
      </Cell>
      <Cell label="Buyer">
        {row.buyer.name || '—'}
        {row.buyer.email ? <span class="sub">{row.buyer.email}</span> : null}
      </Cell>
      <Cell label="Total" class="num">
        <Money value={row.total} />
      </Cell>
    </>
  );
}
