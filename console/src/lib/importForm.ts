// The Import Filters form: its values, their checks before sending, and the variables of importOrders.

import type { GroupedErrors } from './errors';

export type ImportBy = 'ORDER_ID' | 'TIME';
export const HOURS = [1, 2, 3, 4, 5, 6] as const;
export const MAX_ORDER_ID = 255;

export interface ImportFormValues {
  platform: string;
  store: string;
  by: ImportBy;
  orderId: string;
  hours: number;
}

export interface ImportVariables {
  platform: string;
  store: string;
  orderId?: string;
  hours?: number;
}

export const IMPORT_FIELDS = ['platform', 'store', 'orderId', 'hours'] as const;

/** Checks made before asking the server (which checks the same again). */
export function validateImportForm(values: ImportFormValues): GroupedErrors {
  const byField: Record<string, string[]> = {};
  if (!values.platform) byField.platform = ['Choose a platform.'];
  if (!values.store) byField.store = ['Choose a store.'];
  if (values.by === 'ORDER_ID') {
    const id = values.orderId.trim();
    if (!id) byField.orderId = ['Enter an order ID.'];
    else if (id.length > MAX_ORDER_ID) byField.orderId = [`An order ID is at most ${MAX_ORDER_ID} characters.`];
  } else if (!(HOURS as readonly number[]).includes(values.hours)) {
    byField.hours = ['Choose 1h to 6h.'];
  }
  return { byField, form: [] };
}

export function hasErrors(errors: GroupedErrors): boolean {
  return errors.form.length > 0 || Object.keys(errors.byField).length > 0;
}

export function importVariables(values: ImportFormValues): ImportVariables {
  const base = { platform: values.platform, store: values.store };
  return values.by === 'ORDER_ID' ? { ...base, orderId: values.orderId.trim() } : { ...base, hours: values.hours };
}

/** The first field with an error, in the order of the form, to move focus to. */
export function firstInvalidField(errors: GroupedErrors): string | null {
  return IMPORT_FIELDS.find((f) => errors.byField[f]?.length) ?? null;
}
