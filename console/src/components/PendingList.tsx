import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { BulkDecisionFieldsFragment, PendingRowFieldsFragment } from '../gql/graphql';
import { useApp, sortPlatforms } from '../app/context';
import {
  allState,
  keepListed,
  leaves,
  LIMIT_TEXT,
  outcomeOf,
  selectAll,
  summary,
  toggle,
  type Selection,
} from '../lib/bulk';
import { errorText } from '../lib/client';
import { userErrorMessage } from '../lib/errors';
import type { LiveStatus } from '../lib/live';
import { forceRisks, GUARD_CODES, orderChangedText } from '../lib/payment';
import {
  appendPage,
  applyEvent,
  emptyPending,
  fromPage,
  removeRow,
  type PendingEvent,
  type PendingState,
} from '../lib/pendingList';
import {
  AcceptImportMutation,
  AcceptImportsMutation,
  PendingImportsQuery,
  PendingImportsSubscription,
} from '../operations';
import { CancelDialog } from './CancelDialog';
import { describedBy } from './FieldError';
import { Cell } from './Cell';
import { ForceAcceptDialog } from './ForceAcceptDialog';
import { OrderCells } from './OrderCells';
import { OrderDialog } from './OrderDialog';
import { PaymentBadges } from './PaymentBadges';
import { TableWrap } from './TableWrap';

type Row = PendingRowFieldsFragment;

export const PAGE_SIZE = 25;
const MAX_PAGE = 200;

const LIVE_WORDS: Record<LiveStatus, string> = {
  idle: 'Live updates: starting',
  connecting: 'Live updates: connecting…',
  connected: 'Live updates: on',
  reconnecting: 'Live updates: reconnecting…',
  closed: 'Live updates: off',
};

export function PendingList() {
  const { client, live, platforms, stores } = useApp();
  const [platform, setPlatform] = useState('');
  const [store, setStore] = useState('');
  const [state, setState] = useState<PendingState<Row>>(emptyPending);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [liveError, setLiveError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [liveStatus, setLiveStatus] = useState<LiveStatus>(live.status());
  const [announcement, setAnnouncement] = useState('');
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [canceling, setCanceling] = useState<Row | null>(null);
  const [cancelingSelected, setCancelingSelected] = useState(false);
  /** Accepts the payment guard refused (one row's, or the held of Accept selected), waiting for the seller. */
  const [forcing, setForcing] = useState<{ rows: Row[]; risks: string[]; bulk: boolean } | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulkBusy, setBulkBusy] = useState(false);
  const [viewing, setViewing] = useState<Row | null>(null);
  const [reloadTick, setReloadTick] = useState(0);

  const headingRef = useRef<HTMLHeadingElement>(null);
  const rowCount = useRef(0);
  rowCount.current = state.rows.length;
  const focusedRow = useRef<{ id: string; index: number } | null>(null);

  useEffect(() => live.onStatus(setLiveStatus), [live]);

  // A row that left the list (decided here or elsewhere, or filtered out) is no longer selected.
  useEffect(() => {
    const listed = state.rows.map((r) => r.id);
    setSelected((current) => keepListed(current, listed));
  }, [state.rows]);

  // Load the first page, follow the subscription, and fetch again on every (re)connect.
  useEffect(() => {
    let active = true;
    let generation = 0;
    let buffered: PendingEvent<Row>[] | null = null;
    const variables = { platform: platform || null, store: store || null };

    const load = (size: number) => {
      const mine = ++generation;
      buffered = [];
      client.request(PendingImportsQuery, { ...variables, first: size }).then(
        (result) => {
          if (!active || mine !== generation) return;
          const events = buffered ?? [];
          buffered = null;
          setState(events.reduce(applyEvent, fromPage(result.pendingImports)));
          setLoadError(null);
          setLoading(false);
        },
        (error: unknown) => {
          if (!active || mine !== generation) return;
          buffered = null;
          setLoadError(error);
          setLoading(false);
        },
      );
    };

    setLoading(true);
    setLoadError(null);
    setState(emptyPending());
    load(PAGE_SIZE);

    const offConnected = live.onConnected(() => {
      setLiveError(null);
      load(Math.min(MAX_PAGE, Math.max(PAGE_SIZE, rowCount.current)));
    });
    const unsubscribe = live.subscribe(PendingImportsSubscription, variables, {
      next: (data) => {
        const event = data.pendingImports as PendingEvent<Row>;
        buffered?.push(event);
        setState((current) => applyEvent(current, event));
      },
      error: (error) => {
        if (active) setLiveError(Array.isArray(error) ? error.map((e: { message?: string }) => e.message).join('; ') : 'the connection was refused');
      },
    });
    return () => {
      active = false;
      offConnected();
      unsubscribe();
    };
  }, [client, live, platform, store, reloadTick]);

  // A row that had focus left the list (accepted here or elsewhere): focus its neighbour.
  useLayoutEffect(() => {
    const last = focusedRow.current;
    if (!last || state.rows.some((r) => r.id === last.id)) return;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    if (document.querySelector('dialog[open]')) return;
    focusedRow.current = null;
    const next = state.rows[Math.min(last.index, state.rows.length - 1)];
    const target = next ? document.getElementById(`accept-${next.id}`) : headingRef.current;
    target?.focus();
  }, [state.rows]);

  async function loadMore() {
    if (!state.endCursor) return;
    setLoadingMore(true);
    try {
      const result = await client.request(PendingImportsQuery, {
        platform: platform || null,
        store: store || null,
        first: PAGE_SIZE,
        after: state.endCursor,
      });
      setState((current) => appendPage(current, result.pendingImports));
    } catch (error) {
      setAnnouncement(`More orders could not be loaded: ${errorText(error)}`);
    } finally {
      setLoadingMore(false);
    }
  }

  const setRowsBusy = (ids: readonly string[], on: boolean) =>
    setBusy((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  const setRowBusy = (id: string, on: boolean) => setRowsBusy([id], on);
  const setRowError = (id: string, message: string | null) =>
    setRowErrors((current) => {
      const next = { ...current };
      if (message) next[id] = message;
      else delete next[id];
      return next;
    });

  /** The order left the list by a decision (ours, or another's first: ALREADY_DECIDED). */
  function decided(row: Row, message: string) {
    setRowError(row.id, null);
    setState((current) => removeRow(current, row.id));
    setAnnouncement(message);
  }

  /**
   * Accept Buyer, and Accept anyway (`force`). The guard's refusal (PAYMENT_NOT_CAPTURED, TEST_ORDER) asks
   * the seller first; any other refusal stays next to the row, which shows the order as it now stands.
   */
  async function accept(row: Row, force = false) {
    setRowBusy(row.id, true);
    setRowError(row.id, null);
    try {
      const result = await client.request(AcceptImportMutation, { id: row.id, force });
      const { importedOrder, userErrors: errors } = result.acceptImport;
      const codes = errors.map((e) => e.code);
      if (errors.length === 0) {
        const how = force ? 'accepted anyway' : 'accepted';
        decided(row, `Order ${row.orderNumber} ${how}: it is in the Transaction List as Succeeded.`);
      } else if (codes.includes('ALREADY_DECIDED')) {
        decided(row, `Order ${row.orderNumber}: This order was already decided.`);
      } else {
        const current = importedOrder ?? row;
        if (importedOrder) setState((state) => applyEvent(state, { change: 'UPDATED', order: importedOrder }));
        if (codes.includes('ORDER_CHANGED')) {
          setRowError(row.id, orderChangedText(current));
        } else if (!force && codes.some((code) => GUARD_CODES.has(code))) {
          setForcing({ rows: [current], risks: forceRisks(current, codes), bulk: false });
        } else {
          setRowError(row.id, errors.map(userErrorMessage).join(' '));
        }
      }
    } catch (error) {
      setRowError(row.id, errorText(error));
    } finally {
      setRowBusy(row.id, false);
      if (force) setForcing(null);
    }
  }

  function select(selection: Selection) {
    setSelected(selection.ids);
    if (selection.limited) setAnnouncement(LIMIT_TEXT);
  }

  /**
   * Each id's result of acceptImports / cancelImports: decided rows leave, the rest show the order as it now
   * stands and why it was not decided (the held of the payment guard are returned, to be offered Accept anyway).
   */
  function applyResults(payload: BulkDecisionFieldsFragment): { row: Row; codes: string[] }[] {
    const byId = new Map(state.rows.map((r) => [r.id, r]));
    const held: { row: Row; codes: string[] }[] = [];
    for (const result of payload.results) {
      const outcome = outcomeOf(result);
      if (leaves(outcome)) {
        setRowError(result.id, null);
        setState((current) => removeRow(current, result.id));
        continue;
      }
      const order = result.importedOrder;
      if (order) setState((current) => applyEvent(current, { change: 'UPDATED', order }));
      const row = order ?? byId.get(result.id);
      if (outcome === 'held' && row) {
        setRowError(result.id, null);
        held.push({ row, codes: result.userErrors.map((e) => e.code) });
      } else if (outcome === 'changed' && row) {
        setRowError(result.id, orderChangedText(row));
      } else {
        setRowError(result.id, result.userErrors.map(userErrorMessage).join(' '));
      }
    }
    return held;
  }

  /** Accept selected (acceptImports), and Accept anyway for the orders the payment guard held (`force`). */
  async function acceptSelected(ids: readonly string[], force = false) {
    setBulkBusy(true);
    setRowsBusy(ids, true);
    try {
      const result = await client.request(AcceptImportsMutation, { ids: [...ids], force });
      const payload = result.acceptImports;
      if (payload.userErrors.length > 0) {
        setAnnouncement(payload.userErrors.map(userErrorMessage).join(' '));
        return;
      }
      const held = applyResults(payload);
      setAnnouncement(summary(payload.results, force ? 'accepted anyway' : 'accepted'));
      if (!force && held.length > 0) {
        const risks = held.flatMap(({ row, codes }) => forceRisks(row, codes));
        setForcing({ rows: held.map((h) => h.row), risks, bulk: true });
      }
    } catch (error) {
      setAnnouncement(`The selected orders could not be accepted: ${errorText(error)}`);
    } finally {
      setRowsBusy(ids, false);
      setBulkBusy(false);
      if (force) setForcing(null);
    }
  }

  function keepPending(rows: readonly Row[]) {
    setForcing(null);
    const first = rows[0];
    if (rows.length === 1 && first) setAnnouncement(`Order ${first.orderNumber} stays pending.`);
    else setAnnouncement(`The ${rows.length} held orders stay pending.`);
  }

  const sortedPlatforms = sortPlatforms(platforms);
  const filterStores = stores
    .filter((s) => s.connected !== false && (!platform || s.platform.id === platform))
    .sort((a, b) => a.name.localeCompare(b.name));
  const rows = state.rows;
  const rowIds = rows.map((r) => r.id);
  const selectedRows = rows.filter((r) => selected.has(r.id));
  const pageSelection = allState(selected, rowIds);

  const fallbackFocus = () => {
    const inDialog = new Set([canceling?.id, ...(forcing?.rows.map((r) => r.id) ?? [])]);
    const first = rows.find((r) => !inDialog.has(r.id));
    return (first && document.getElementById(`accept-${first.id}`)) || headingRef.current;
  };

  return (
    <section class="panel" aria-labelledby="pending-heading">
      <h2 id="pending-heading" class="section-title" tabIndex={-1} ref={headingRef}>
        Import Transaction List
      </h2>
      <div class="form-row filters">
        <div class="field">
          <label for="filter-platform">Filter by platform</label>
          <select
            id="filter-platform"
            value={platform}
            onChange={(e) => {
              const next = e.currentTarget.value;
              setPlatform(next);
              if (next && store && !stores.some((s) => s.id === store && s.platform.id === next)) setStore('');
            }}
          >
            <option value="">All platforms</option>
            {sortedPlatforms.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-store">Filter by store</label>
          <select id="filter-store" value={store} onChange={(e) => setStore(e.currentTarget.value)}>
            <option value="">All stores</option>
            {filterStores.map((s) => (
              <option key={s.id} value={s.id}>
                {platform ? s.name : `${s.name} (${s.platform.name})`}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div class="list-meta">
        <p class="count">
          {loading ? 'Loading pending orders…' : `${state.totalCount} pending ${state.totalCount === 1 ? 'order' : 'orders'}`}
          {!loading && rows.length < state.totalCount ? ` (showing ${rows.length})` : ''}
        </p>
        <p class={`live-state live-${liveStatus}`}>
          <span class="dot" aria-hidden="true" />
          {liveError ? `Live updates stopped: ${liveError}` : LIVE_WORDS[liveStatus]}
        </p>
      </div>
      <p class="announcement" role="status">
        {announcement}
      </p>

      {loadError ? (
        <div class="error-box" role="alert">
          <p>The pending orders could not be loaded: {errorText(loadError)}</p>
          <button type="button" class="button" onClick={() => setReloadTick((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : null}

      {!loading && !loadError && rows.length === 0 ? (
        <p class="empty">No pending orders. Import missing orders above.</p>
      ) : null}

      {rows.length > 0 ? (
        <div class="bulk-actions" role="group" aria-label="Selected orders">
          <label class="check">
            <input
              type="checkbox"
              checked={pageSelection === 'all'}
              ref={(input) => {
                if (input) input.indeterminate = pageSelection === 'some';
              }}
              onChange={(e) => select(selectAll(selected, rowIds, e.currentTarget.checked))}
            />
            Select all on this page
          </label>
          <p class="selected-count">{selectedRows.length} selected</p>
          <button
            type="button"
            class="button button-primary button-small"
            disabled={selectedRows.length === 0}
            aria-disabled={bulkBusy ? 'true' : undefined}
            onClick={() => {
              if (!bulkBusy) void acceptSelected(selectedRows.map((r) => r.id));
            }}
          >
            Accept selected
          </button>
          <button
            type="button"
            class="button button-danger button-small"
            disabled={selectedRows.length === 0}
            aria-disabled={bulkBusy ? 'true' : undefined}
            onClick={() => {
              if (!bulkBusy) setCancelingSelected(true);
            }}
          >
            Cancel selected
          </button>
        </div>
      ) : null}

      {rows.length > 0 ? (
        <TableWrap label="Pending orders, scrollable">
          <table class="data-table" role="table" aria-labelledby="pending-heading">
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">
                  <span class="visually-hidden">Select</span>
                </th>
                <th scope="col" role="columnheader">Order</th>
                <th scope="col" role="columnheader">Platform</th>
                <th scope="col" role="columnheader">Store</th>
                <th scope="col" role="columnheader">Placed at</th>
                <th scope="col" role="columnheader">Buyer</th>
                <th scope="col" role="columnheader" class="num">Total</th>
                <th scope="col" role="columnheader">Payment</th>
                <th scope="col" role="columnheader">Status</th>
                <th scope="col" role="columnheader">Actions</th>
              </tr>
            </thead>
            <tbody
              role="rowgroup"
              onFocusIn={(event) => {
                const tr = (event.target as HTMLElement).closest('tr');
                const id = tr?.getAttribute('data-id');
                if (id) focusedRow.current = { id, index: rows.findIndex((r) => r.id === id) };
              }}
            >
              {rows.map((row) => {
                const error = rowErrors[row.id];
                const headerId = `order-${row.id}`;
                const errorId = `row-error-${row.id}`;
                const describe = describedBy(headerId, error && errorId);
                const isBusy = busy.has(row.id);
                return (
                  <tr key={row.id} role="row" data-id={row.id}>
                    <Cell label="Select" class="select">
                      <input
                        type="checkbox"
                        aria-label={`Select ${row.orderNumber}`}
                        checked={selected.has(row.id)}
                        onChange={(e) => select(toggle(selected, row.id, e.currentTarget.checked))}
                      />
                    </Cell>
                    <OrderCells row={row} numberId={headerId} />
                    <Cell label="Payment">
                      <PaymentBadges order={row} />
                    </Cell>
                    <Cell label="Status">
                      <span class="badge badge-pending">Pending</span>
                    </Cell>
                    <td role="cell" class="actions">
                      <span class="cell-label" aria-hidden="true">
                        Actions
                      </span>
                      <div class="row-actions">
                        <button
                          type="button"
                          id={`accept-${row.id}`}
                          class="button button-primary button-small"
                          aria-describedby={describe}
                          aria-disabled={isBusy ? 'true' : undefined}
                          onClick={() => {
                            if (!isBusy) void accept(row);
                          }}
                        >
                          Accept Buyer
                        </button>
                        <button
                          type="button"
                          class="button button-danger button-small"
                          aria-describedby={describe}
                          aria-disabled={isBusy ? 'true' : undefined}
                          onClick={() => {
                            if (!isBusy) setCanceling(row);
                          }}
                        >
                          Mark as Cancel
                        </button>
                        <button
                          type="button"
                          class="button button-small"
                          aria-describedby={headerId}
                          onClick={() => setViewing(row)}
                        >
                          View
                        </button>
                      </div>
                      {error ? (
                        <p id={errorId} class="field-error" role="alert">
                          {error}
                        </p>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : null}

      {state.hasNextPage && rows.length > 0 ? (
        <div class="load-more">
          <button type="button" class="button" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}

      {canceling ? (
        <CancelDialog
          order={canceling}
          fallbackFocus={fallbackFocus}
          onClose={() => setCanceling(null)}
          onDecided={(row, message) => {
            setCanceling(null);
            decided(row, message);
          }}
        />
      ) : null}
      {cancelingSelected ? (
        <CancelDialog
          orders={selectedRows}
          fallbackFocus={fallbackFocus}
          onClose={() => setCancelingSelected(false)}
          onBulkDecided={(payload) => {
            setCancelingSelected(false);
            applyResults(payload);
            setAnnouncement(summary(payload.results, 'canceled'));
          }}
        />
      ) : null}
      {forcing ? (
        <ForceAcceptDialog
          title={
            forcing.rows.length === 1
              ? `Accept order ${forcing.rows[0]?.orderNumber} anyway?`
              : `Accept ${forcing.rows.length} held orders anyway?`
          }
          risks={forcing.risks}
          busy={forcing.rows.some((r) => busy.has(r.id))}
          fallbackFocus={fallbackFocus}
          onKeep={() => keepPending(forcing.rows)}
          onAccept={() => {
            if (forcing.rows.some((r) => busy.has(r.id))) return;
            const [only] = forcing.rows;
            if (!forcing.bulk && only) void accept(only, true);
            else void acceptSelected(forcing.rows.map((r) => r.id), true);
          }}
        />
      ) : null}
      {viewing ? <OrderDialog order={viewing} onClose={() => setViewing(null)} /> : null}
    </section>
  );
}
