import { formatMoney, type MoneyValue } from '../lib/format';

export function Money({ value }: { value: MoneyValue }) {
  return <span class="money">{formatMoney(value)}</span>;
}
