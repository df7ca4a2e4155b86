import { useEffect, useRef, useState } from 'preact/hooks';
import type { ImportReceiptQuery, JobFieldsFragment, PendingRowFieldsFragment } from '../gql/graphql';
import { useApp } from '../app/context';
import { errorText } from '../lib/client';
import { OUTCOMES, outcomeWords, receiptTitle } from '../lib/receipt';
import { ImportReceiptQuery as ReceiptQuery } from '../operations';
import { Cell } from './Cell';
import { Money } from './Money';
import { OrderDialog } from './OrderDialog';
import { TableWrap } from './TableWrap';
import { Time } from './Time';

type Connection = NonNullable<ImportReceiptQuery['importJob']>['receipt'];
type Line = Connection['edges'][number]['node'];

const PAGE_SIZE = 50;

/**
 * A finished import's receipt: one line per order the platform returned (and per id it lacks), with what
 * the import did, or as a preview would do, with it. Collapsed in a <details> (open for a preview, whose
 * receipt is its answer); "Show more" pages on; View opens the store's imported order of a line.
 */
export function Receipt({ job }: { job: JobFieldsFragment }) {
  const { client } = useApp();
  const [lines, setLines] = useState<Line[]>([]);
  const [page, setPage] = useState<Connection['pageInfo'] | null>(null);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [viewing, setViewing] = useState<PendingRowFieldsFragment | null>(null);
  const current = useRef(job.id);
  current.current = job.id;

  async function load(after: string | null) {
    const id = job.id;
    setLoading(true);
    setError(null);
    try {
      const result = await client.request(ReceiptQuery, { id, first: PAGE_SIZE, after });
      if (current.current !== id) return;
      const receipt = result.importJob?.receipt;
      if (!receipt) return;
      setLines((shown) => [...(after ? shown : []), ...receipt.edges.map((e) => e.node)]);
      setPage(receipt.pageInfo);
      setTotal(receipt.totalCount);
    } catch (err) {
      if (current.current === id) setError(err);
    } finally {
      if (current.current === id) setLoading(false);
    }
  }

  useEffect(() => {
    void load(null);
  }, [job.id]);

  const preview = job.dryRun;
  const title = receiptTitle(total, preview);
  const titleId = `receipt-title-${job.id}`;

  if (!page) {
    return error ? (
      <p class="error-text" role="alert">
        The receipt could not be loaded: {errorText(error)}
      </p>
    ) : null;
  }

  return (
    <>
      <details class="receipt" open={preview}>
      <summary id={titleId}>{title}</summary>
      {lines.length === 0 ? (
        <p class="muted">The platform returned no orders.</p>
      ) : (
        <TableWrap label={`${title}, scrollable`}>
          <table class="data-table compact" role="table" aria-labelledby={titleId}>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">Order</th>
                <th scope="col" role="columnheader">Placed at</th>
                <th scope="col" role="columnheader" class="num">Total</th>
                <th scope="col" role="columnheader">{preview ? 'Would be' : 'Outcome'}</th>
                <th scope="col" role="columnheader">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {lines.map((line, index) => {
                const numberId = `receipt-${job.id}-${index}`;
                const order = line.importedOrder;
                return (
                  <tr role="row" key={index}>
                    <th scope="row" role="rowheader" id={numberId}>
                      <span class="cell-label" aria-hidden="true">
                        Order
                      </span>
                      <span class="cell-value">{line.orderNumber ?? line.orderId}</span>
                    </th>
                    <Cell label="Placed at">{line.placedAt ? <Time value={line.placedAt} /> : '—'}</Cell>
                    <Cell label="Total" class="num">
                      {line.total ? <Money value={line.total} /> : '—'}
                    </Cell>
                    <Cell label={preview ? 'Would be' : 'Outcome'}>
                      <span class={`badge badge-${OUTCOMES[line.outcome].tone}`}>{outcomeWords(line.outcome, preview)}</span>
                    </Cell>
                    <Cell label="Actions">
                      {order ? (
                        <button
                          type="button"
                          class="button button-small"
                          aria-describedby={numberId}
                          onClick={() => setViewing(order)}
                        >
                          View
                        </button>
                      ) : null}
                    </Cell>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      {error ? (
        <p class="error-text" role="alert">
          More of the receipt could not be loaded: {errorText(error)}
        </p>
      ) : null}
      {page.hasNextPage ? (
        <div class="load-more">
          <button type="button" class="button" disabled={loading} onClick={() => void load(page.endCursor ?? null)}>
            {loading ? 'Loading…' : 'Show more'}
          </button>
          <span class="hint">
            {lines.length} of {total} shown
          </span>
        </div>
      ) : null}
      </details>
      {viewing ? <OrderDialog order={viewing} onClose={() => setViewing(null)} /> : null}
    </>
  );
}
