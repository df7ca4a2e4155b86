// The pending list as the console holds it: pages loaded so far, kept current by
// the pendingImports subscription's ADDED / UPDATED / REMOVED events.
//
// The server orders the list by placedAt, newest first (then id, highest first).

export interface PendingRow {
  id: string;
  placedAt: string;
  status: string;
}

export interface Page<T> {
  edges: readonly { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  totalCount: number;
}

export interface PendingState<T extends PendingRow> {
  rows: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
  /** Ids that left the list, so a late or repeated REMOVED is not counted twice. */
  gone: ReadonlySet<string>;
}

export type PendingChange = 'ADDED' | 'UPDATED' | 'REMOVED';

export interface PendingEvent<T extends PendingRow> {
  change: PendingChange;
  order: T;
}

export function emptyPending<T extends PendingRow>(): PendingState<T> {
  return { rows: [], totalCount: 0, hasNextPage: false, endCursor: null, gone: new Set() };
}

/** The state of a fresh first page (a load, a filter change, or a resync after reconnecting). */
export function fromPage<T extends PendingRow>(page: Page<T>): PendingState<T> {
  return {
    rows: page.edges.map((e) => e.node),
    totalCount: page.totalCount,
    hasNextPage: page.pageInfo.hasNextPage,
    endCursor: page.pageInfo.endCursor ?? null,
    gone: new Set(),
  };
}

/** A further page ("Load more"); rows already present (moved by live events) are not repeated. */
export function appendPage<T extends PendingRow>(state: PendingState<T>, page: Page<T>): PendingState<T> {
  const have = new Set(state.rows.map((r) => r.id));
  const more = page.edges.map((e) => e.node).filter((n) => !have.has(n.id) && !state.gone.has(n.id));
  return {
    ...state,
    rows: [...state.rows, ...more],
    totalCount: page.totalCount,
    hasNextPage: page.pageInfo.hasNextPage,
    endCursor: page.pageInfo.endCursor ?? null,
  };
}

function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` comes before `b` in the list (newer first). */
export function compareRows(a: PendingRow, b: PendingRow): number {
  const ta = Date.parse(a.placedAt);
  const tb = Date.parse(b.placedAt);
  if (ta !== tb) return tb - ta;
  return compareIds(b.id, a.id);
}

/** Where `row` goes among `rows`; -1 when it belongs after the loaded rows and more pages exist. */
function insertionIndex<T extends PendingRow>(state: PendingState<T>, row: T): number {
  const index = state.rows.findIndex((r) => compareRows(row, r) < 0);
  if (index >= 0) return index;
  return state.hasNextPage ? -1 : state.rows.length;
}

function remove<T extends PendingRow>(state: PendingState<T>, id: string): PendingState<T> {
  if (state.gone.has(id)) return state;
  const gone = new Set(state.gone);
  gone.add(id);
  const present = state.rows.some((r) => r.id === id);
  // Not among the rows: counted only if it may be on a page not loaded yet.
  const counted = present || state.hasNextPage;
  return {
    ...state,
    rows: present ? state.rows.filter((r) => r.id !== id) : state.rows,
    totalCount: counted ? Math.max(0, state.totalCount - 1) : state.totalCount,
    gone,
  };
}

function add<T extends PendingRow>(state: PendingState<T>, order: T): PendingState<T> {
  const present = state.rows.some((r) => r.id === order.id);
  if (present) {
    return { ...state, rows: state.rows.map((r) => (r.id === order.id ? order : r)) };
  }
  const gone = new Set(state.gone);
  gone.delete(order.id);
  const index = insertionIndex(state, order);
  const rows = state.rows.slice();
  if (index >= 0) rows.splice(index, 0, order);
  return { ...state, rows, totalCount: state.totalCount + 1, gone };
}

function update<T extends PendingRow>(state: PendingState<T>, order: T): PendingState<T> {
  if (order.status !== 'PENDING') return remove(state, order.id);
  if (state.rows.some((r) => r.id === order.id)) {
    return { ...state, rows: state.rows.map((r) => (r.id === order.id ? order : r)) };
  }
  // An update of a row we do not hold: on a page not loaded yet, or its ADDED was missed.
  if (state.gone.has(order.id)) return state;
  const index = insertionIndex(state, order);
  if (index < 0) return state;
  const rows = state.rows.slice();
  rows.splice(index, 0, order);
  return { ...state, rows };
}

/** Apply one event of the pendingImports subscription. */
export function applyEvent<T extends PendingRow>(state: PendingState<T>, event: PendingEvent<T>): PendingState<T> {
  switch (event.change) {
    case 'ADDED':
      return event.order.status === 'PENDING' ? add(state, event.order) : state;
    case 'UPDATED':
      return update(state, event.order);
    case 'REMOVED':
      return remove(state, event.order.id);
    default:
      return state;
  }
}

/** The seller's own decision (or ALREADY_DECIDED): the row leaves at once, before its REMOVED event. */
export function removeRow<T extends PendingRow>(state: PendingState<T>, id: string): PendingState<T> {
  return remove(state, id);
}
