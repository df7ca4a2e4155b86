// The Import Filters form: its values, their checks before sending, and the variables of importOrders.

import type { GroupedErrors } from './errors';

export type ImportBy = 'ORDER_ID' | 'TIME';
export const HOURS = [1, 2, 3, 4, 5, 6] as const;
export const MAX_ORDER_ID = 255;
/** How many ids one import takes (importOrders' orderIds). */
export const MAX_ORDER_IDS = 100;

export interface ImportFormValues {
  platform: string;
  store: string;
  by: ImportBy;
  /** The Order IDs field as typed: one id or a list. */
  orderId: string;
  hours: number;
}

export interface ImportVariables {
  platform: string;
  store: string;
  orderId?: string;
  orderIds?: string[];
  hours?: number;
  dryRun?: boolean;
}

/** The ids of the Order IDs field: one a line (or apart by commas or spaces), blanks ignored, each once, in order. */
export function parseOrderIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export const IMPORT_FIELDS = ['platform', 'store', 'orderId', 'hours'] as const;

/** Checks made before asking the server (which checks the same again). */
export function validateImportForm(values: ImportFormValues): GroupedErrors {
  const byField: Record<string, string[]> = {};
  if (!values.platform) byField.platform = ['Choose a platform.'];
  if (!values.store) byField.store = ['Choose a store.'];
  if (values.by === 'ORDER_ID') {
    const ids = parseOrderIds(values.orderId);
    const long = ids.find((id) => id.length > MAX_ORDER_ID);
    if (ids.length === 0) byField.orderId = ['Enter an order ID.'];
    else if (ids.length > MAX_ORDER_IDS) {
      byField.orderId = [`Import at most ${MAX_ORDER_IDS} order IDs at a time; this list has ${ids.length}.`];
    } else if (long !== undefined) {
      byField.orderId = [
        ids.length === 1
          ? `An order ID is at most ${MAX_ORDER_ID} characters.`
          : `An order ID is at most ${MAX_ORDER_ID} characters; “${long.slice(0, 12)}…” has ${long.length}.`,
      ];
    }
  } else if (!(HOURS as readonly number[]).includes(values.hours)) {
    byField.hours = ['Choose 1h to 6h.'];
  }
  return { byField, form: [] };
}

export function hasErrors(errors: GroupedErrors): boolean {
  return errors.form.length > 0 || Object.keys(errors.byField).length > 0;
}

/** The variables of importOrders: one id as orderId, several as orderIds, or hours; a preview adds dryRun. */
export function importVariables(values: ImportFormValues, dryRun = false): ImportVariables {
  const base: ImportVariables = { platform: values.platform, store: values.store, ...(dryRun ? { dryRun } : {}) };
  if (values.by === 'TIME') return { ...base, hours: values.hours };
  const ids = parseOrderIds(values.orderId);
  return ids.length === 1 ? { ...base, orderId: ids[0] } : { ...base, orderIds: ids };
}

/** The first field with an error, in the order of the form, to move focus to. */
export function firstInvalidField(errors: GroupedErrors): string | null {
  return IMPORT_FIELDS.find((f) => errors.byField[f]?.length) ?? null;
}
