import type { PendingRowFieldsFragment } from '../gql/graphql';
import { useApp } from '../app/context';
import { useQuery } from '../app/hooks';
import { errorText } from '../lib/client';
import { humanizeEnum, prettyJson } from '../lib/format';
import { actorWords } from '../lib/history';
import { ImportedOrderQuery } from '../operations';
import { Dialog } from './Dialog';
import { History } from './History';
import { PaymentBadges } from './PaymentBadges';
import { Cell } from './Cell';
import { Money } from './Money';
import { TableWrap } from './TableWrap';
import { Time } from './Time';

/** View: one imported order in full, with the platform's raw payload. */
export function OrderDialog({ order, onClose }: { order: PendingRowFieldsFragment; onClose: () => void }) {
  const { platforms } = useApp();
  const { data, error, loading } = useQuery(ImportedOrderQuery, { id: order.id }, order.id);
  const full = data?.importedOrder ?? null;
  const shown = full ?? order;

  return (
    <Dialog labelledBy="order-title" onClose={onClose} class="dialog-wide">
      <div class="dialog-body">
        <div class="dialog-header">
          <h2 id="order-title" class="dialog-title">
            Order {shown.orderNumber}
          </h2>
          <button type="button" class="button button-quiet" data-autofocus onClick={onClose}>
            Close
          </button>
        </div>
        <dl class="details">
          <div>
            <dt>Order number</dt>
            <dd>{shown.orderNumber}</dd>
          </div>
          <div>
            <dt>Order ID</dt>
            <dd class="mono">{shown.orderId}</dd>
          </div>
          <div>
            <dt>Platform</dt>
            <dd>{shown.platform.name}</dd>
          </div>
          <div>
            <dt>Store</dt>
            <dd>{shown.store.name}</dd>
          </div>
          <div>
            <dt>Placed at</dt>
            <dd>
              <Time value={shown.placedAt} />
            </dd>
          </div>
          <div>
            <dt>Buyer</dt>
            <dd>
              {shown.buyer.name || '—'}
              {shown.buyer.email ? <span class="sub">{shown.buyer.email}</span> : null}
            </dd>
          </div>
          <div>
            <dt>Payment status</dt>
            <dd>
              <PaymentBadges order={shown} />
            </dd>
          </div>
          <div>
            <dt>Status on {shown.platform.name}</dt>
            <dd>{shown.platformStatus ?? '—'}</dd>
          </div>
          <div>
            <dt>Test order</dt>
            <dd>{shown.testOrder ? 'Yes' : 'No'}</dd>
          </div>
          <div>
            <dt>Canceled on {shown.platform.name}</dt>
            <dd>{shown.canceledOnPlatform ? 'Yes' : 'No'}</dd>
          </div>
          <div>
            <dt>Last read from {shown.platform.name}</dt>
            <dd>
              <Time value={shown.checkedAt} />
            </dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>
              {humanizeEnum(shown.status)}
              {full?.decidedBy ? (
                <>
                  {' '}
                  <span class="sub">by {actorWords(full.decidedBy, platforms)}</span>
                </>
              ) : null}
            </dd>
          </div>
          <div>
            <dt>Total</dt>
            <dd>
              <Money value={shown.total} />
            </dd>
          </div>
          {full ? (
            <div>
              <dt>Imported at</dt>
              <dd>
                <Time value={full.importedAt} />
              </dd>
            </div>
          ) : null}
        </dl>

        {error ? <p class="error-text" role="alert">The order could not be loaded: {errorText(error)}</p> : null}
        {loading && !full ? <p class="muted">Loading the order…</p> : null}
        {!loading && !error && data && !full ? <p class="muted">This order no longer exists.</p> : null}

        {full ? <History entries={full.history} platforms={platforms} /> : null}

        {full ? (
          <>
            <h3 class="subheading">Line items</h3>
            {full.lineItems.length === 0 ? (
              <p class="muted">No line items.</p>
            ) : (
              <TableWrap label="Line items, scrollable">
                <table class="data-table compact" role="table">
                  <caption class="visually-hidden">Line items of order {full.orderNumber}</caption>
                  <thead role="rowgroup">
                    <tr role="row">
                      <th scope="col" role="columnheader">Item</th>
                      <th scope="col" role="columnheader">SKU</th>
                      <th scope="col" role="columnheader" class="num">Quantity</th>
                      <th scope="col" role="columnheader" class="num">Unit price</th>
                      <th scope="col" role="columnheader" class="num">Total</th>
                    </tr>
                  </thead>
                  <tbody role="rowgroup">
                    {full.lineItems.map((item, index) => (
                      <tr role="row" key={index}>
                        <th scope="row" role="rowheader">
                          <span class="cell-label" aria-hidden="true">
                            Item
                          </span>
                          <span class="cell-value">{item.name}</span>
                        </th>
                        <Cell label="SKU" class="mono">
                          {item.sku || '—'}
                        </Cell>
                        <Cell label="Quantity" class="num">
                          {item.quantity}
                        </Cell>
                        <Cell label="Unit price" class="num">
                          <Money value={item.unitPrice} />
                        </Cell>
                        <Cell label="Total" class="num">
                          <Money value={item.total} />
                        </Cell>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            <details class="raw">
              <summary>Raw payload</summary>
              <div class="raw-scroll" role="region" aria-label="Raw payload" tabIndex={0}>
                <pre>{prettyJson(full.raw)}</pre>
              </div>
            </details>
          </>
        ) : null}
      </div>
    </Dialog>
  );
}
