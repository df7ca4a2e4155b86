// Bulk decisions in the pending list: which rows are selected (at most MAX_SELECTED, the most
// acceptImports / cancelImports take), and what an answer of theirs means for each row and in one line.

import { GUARD_CODES } from './payment';

/** The most ids acceptImports and cancelImports take in one request. */
export const MAX_SELECTED = 100;

export const LIMIT_TEXT = `At most ${MAX_SELECTED} orders can be decided at once.`;

export interface Selection {
  ids: ReadonlySet<string>;
  /** Some rows were not selected because of the limit. */
  limited: boolean;
}

/** Select or unselect one row; selecting beyond the limit selects nothing more. */
export function toggle(selected: ReadonlySet<string>, id: string, on: boolean): Selection {
  const ids = new Set(selected);
  if (!on) {
    ids.delete(id);
    return { ids, limited: false };
  }
  if (ids.has(id)) return { ids, limited: false };
  if (ids.size >= MAX_SELECTED) return { ids, limited: true };
  ids.add(id);
  return { ids, limited: false };
}

/** "Select all on this page": every listed row (in list order, up to the limit), or none. */
export function selectAll(selected: ReadonlySet<string>, rowIds: readonly string[], on: boolean): Selection {
  if (!on) return { ids: new Set(), limited: false };
  const ids = new Set(selected);
  for (const id of rowIds) {
    if (ids.has(id)) continue;
    if (ids.size >= MAX_SELECTED) return { ids, limited: true };
    ids.add(id);
  }
  return { ids, limited: false };
}

/** The selection without the rows that left the list (decided here or elsewhere); the same set when none left. */
export function keepListed(selected: ReadonlySet<string>, rowIds: readonly string[]): ReadonlySet<string> {
  const listed = new Set(rowIds);
  const kept = [...selected].filter((id) => listed.has(id));
  return kept.length === selected.size ? selected : new Set(kept);
}

/** The state of "Select all on this page" for the rows listed. */
export function allState(selected: ReadonlySet<string>, rowIds: readonly string[]): 'all' | 'some' | 'none' {
  const count = rowIds.filter((id) => selected.has(id)).length;
  if (count === 0) return 'none';
  return count === rowIds.length || count === MAX_SELECTED ? 'all' : 'some';
}

export interface BulkResult<T> {
  id: string;
  importedOrder?: T | null;
  userErrors: readonly { code: string; message: string }[];
}

/** What became of one id: decided, already decided elsewhere, gone, held by the payment guard, or refused. */
export type Outcome = 'decided' | 'alreadyDecided' | 'notFound' | 'held' | 'changed' | 'refused';

export function outcomeOf(result: BulkResult<unknown>): Outcome {
  const codes = result.userErrors.map((e) => e.code);
  if (codes.length === 0) return 'decided';
  if (codes.includes('ALREADY_DECIDED')) return 'alreadyDecided';
  if (codes.includes('NOT_FOUND')) return 'notFound';
  if (codes.includes('ORDER_CHANGED')) return 'changed';
  if (codes.some((code) => GUARD_CODES.has(code))) return 'held';
  return 'refused';
}

/** An outcome after which the order is no longer pending, so its row leaves the list. */
export function leaves(outcome: Outcome): boolean {
  return outcome === 'decided' || outcome === 'alreadyDecided' || outcome === 'notFound';
}

const HELD_WORDS: Record<string, string> = { PAYMENT_NOT_CAPTURED: 'payment not captured', TEST_ORDER: 'test order' };

function count(parts: string[], n: number, words: string) {
  if (n > 0) parts.push(`${n} ${words}`);
}

/**
 * One line for the seller: "12 accepted, 2 held: 1 payment not captured, 1 test order" (the held last, since
 * their reasons follow). A held order is counted once, by the first guard code it got. `decided` is the verb:
 * "accepted", "accepted anyway", "canceled".
 */
export function summary(results: readonly BulkResult<unknown>[], decided: string): string {
  const outcomes = results.map(outcomeOf);
  const n = (outcome: Outcome) => outcomes.filter((o) => o === outcome).length;
  const parts = [`${n('decided')} ${decided}`];
  count(parts, n('alreadyDecided'), 'already decided');
  count(parts, n('notFound'), 'no longer found');
  count(parts, n('changed'), 'changed on the platform');
  count(parts, n('refused'), 'not decided (see the rows)');
  const held = new Map<string, number>();
  results.forEach((result, i) => {
    if (outcomes[i] !== 'held') return;
    const code = result.userErrors.map((e) => e.code).find((c) => GUARD_CODES.has(c)) ?? '';
    held.set(code, (held.get(code) ?? 0) + 1);
  });
  if (held.size > 0) {
    const why = [...held].map(([code, k]) => `${k} ${HELD_WORDS[code] ?? code}`).join(', ');
    parts.push(`${n('held')} held: ${why}`);
  }
  return parts.join(', ');
}
