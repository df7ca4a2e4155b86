import { useEffect, useRef, useState } from 'preact/hooks';
import type { TransactionsQuery as TransactionsResult } from '../gql/graphql';
import { useApp } from '../app/context';
import { useDebounced } from '../app/hooks';
import { Cell } from '../components/Cell';
import { describedBy, FieldError } from '../components/FieldError';
import { OrderCells } from '../components/OrderCells';
import { PageHeading } from '../components/PageHeading';
import { PaymentBadges } from '../components/PaymentBadges';
import { PlatformChanges } from '../components/PlatformChanges';
import { TableWrap } from '../components/TableWrap';
import { errorText } from '../lib/client';
import { humanizeEnum } from '../lib/format';
import { actorWords } from '../lib/history';
import { TransactionsQuery } from '../operations';

type Row = TransactionsResult['transactions']['edges'][number]['node'];

const PAGE_SIZE = 50;
export const MAX_SEARCH = 320;

export function TransactionsPage() {
  const { client, platforms } = useApp();
  const [input, setInput] = useState('');
  const [submitted, setSubmitted] = useState<string | null>(null);
  const debounced = useDebounced(input, 350);
  const wanted = (submitted ?? debounced).trim();
  const tooLong = wanted.length > MAX_SEARCH;
  const search = tooLong ? '' : wanted;

  const [rows, setRows] = useState<Row[]>([]);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasNext, setHasNext] = useState(false);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);

  useEffect(() => {
    setSubmitted(null);
  }, [debounced]);

  useEffect(() => {
    const mine = ++generation.current;
    if (tooLong) return;
    setLoading(true);
    setError(null);
    client.request(TransactionsQuery, { search: search || null, first: PAGE_SIZE }).then(
      (result) => {
        if (mine !== generation.current) return;
        const page = result.transactions;
        setRows(page.edges.map((e) => e.node));
        setTotal(page.totalCount);
        setCursor(page.pageInfo.endCursor ?? null);
        setHasNext(page.pageInfo.hasNextPage);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        setError(err);
        setLoading(false);
      },
    );
  }, [client, search, tooLong, tick]);

  async function loadMore() {
    if (!cursor) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const result = await client.request(TransactionsQuery, { search: search || null, first: PAGE_SIZE, after: cursor });
      if (mine !== generation.current) return;
      const page = result.transactions;
      setRows((current) => {
        const have = new Set(current.map((r) => r.id));
        return [...current, ...page.edges.map((e) => e.node).filter((n) => !have.has(n.id))];
      });
      setTotal(page.totalCount);
      setCursor(page.pageInfo.endCursor ?? null);
      setHasNext(page.pageInfo.hasNextPage);
    } catch (err) {
      setError(err);
    } finally {
      setLoadingMore(false);
    }
  }

  const summary = loading
    ? 'Loading transactions…'
    : search
      ? `${total} ${total === 1 ? 'transaction matches' : 'transactions match'} “${search}”`
      : `${total} ${total === 1 ? 'transaction' : 'transactions'}`;

  return (
    <div class="page">
      <PageHeading title="Transaction List" id="transactions-title" />
      <p class="lead">
        Orders that reached the Transaction List, by webhook or by an accepted import. A row stays as it was
        accepted; what the platform changed afterwards (a refund, a cancellation) is shown under its payment.
      </p>

      <form
        role="search"
        class="search-form"
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(input);
        }}
      >
        <div class="field">
          <label for="transaction-search">Search</label>
          <input
            id="transaction-search"
            type="search"
            value={input}
            autoComplete="off"
            spellcheck={false}
            aria-invalid={tooLong ? 'true' : undefined}
            aria-describedby={describedBy('transaction-search-hint', tooLong && 'transaction-search-error')}
            onInput={(e) => setInput(e.currentTarget.value)}
          />
          <p id="transaction-search-hint" class="hint">
            An order ID, an order number (#1001), the buyer’s email, or part of the buyer’s name.
          </p>
          <FieldError
            id="transaction-search-error"
            messages={tooLong ? [`A search is at most ${MAX_SEARCH} characters.`] : undefined}
          />
        </div>
      </form>

      <p class="count" role="status">
        {summary}
        {!loading && rows.length < total ? ` (showing ${rows.length})` : ''}
      </p>

      {error ? (
        <div class="error-box" role="alert">
          <p>The transactions could not be loaded: {errorText(error)}</p>
          <button type="button" class="button" onClick={() => setTick((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : null}

      {!loading && !error && rows.length === 0 ? (
        <p class="empty">{search ? 'No transactions match this search.' : 'No transactions yet.'}</p>
      ) : null}

      {rows.length > 0 ? (
        <TableWrap label="Transactions, scrollable">
          <table class="data-table" role="table" aria-labelledby="transactions-title">
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">Order</th>
                <th scope="col" role="columnheader">Platform</th>
                <th scope="col" role="columnheader">Store</th>
                <th scope="col" role="columnheader">Placed at</th>
                <th scope="col" role="columnheader">Buyer</th>
                <th scope="col" role="columnheader" class="num">Total</th>
                <th scope="col" role="columnheader">Payment</th>
                <th scope="col" role="columnheader">Source</th>
                <th scope="col" role="columnheader">Status</th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {rows.map((row) => (
                <tr role="row" key={row.id}>
                  <OrderCells row={row} />
                  <Cell label="Payment">
                    <PaymentBadges order={row} />
                    <PlatformChanges changes={row.platformChanges} orderNumber={row.orderNumber} platforms={platforms} />
                  </Cell>
                  <Cell label="Source">
                    {humanizeEnum(row.source)}
                    {row.acceptedBy ? (
                      <>
                        {' '}
                        <span class="sub">accepted by {actorWords(row.acceptedBy, platforms)}</span>
                      </>
                    ) : null}
                  </Cell>
                  <Cell label="Status">
                    <span class="badge badge-succeeded">{humanizeEnum(row.status)}</span>
                  </Cell>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}

      {hasNext && rows.length > 0 ? (
        <div class="load-more">
          <button type="button" class="button" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
