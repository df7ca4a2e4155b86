// The alerts bell: its label, the words for each kind, and the list it keeps as alerts arrive.

import type { AlertFieldsFragment, AlertKind } from '../gql/graphql';

export type AlertItem = AlertFieldsFragment;

/** How many alerts the panel lists (the newest). */
export const PANEL_SIZE = 20;

const KIND_WORDS: Record<AlertKind, string> = {
  ORDERS_RECOVERED: 'Orders recovered',
  WEBHOOK_SILENT: 'Webhooks silent',
  IMPORT_FAILING: 'Imports failing',
  CREDENTIALS_REJECTED: 'Credentials rejected',
  ORDER_CHANGED_AFTER_ACCEPT: 'Changed after accept',
};

export function kindWords(kind: AlertKind): string {
  return KIND_WORDS[kind] ?? kind;
}

/** The bell button's accessible name: "Alerts, 3 unread" / "Alerts, none unread". */
export function bellLabel(unread: number): string {
  return `Alerts, ${unread === 0 ? 'none' : unread} unread`;
}

/** The count on the bell: empty at 0, "99+" past 99. */
export function badgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}

/** The list with a newly raised alert first (once, however often it arrives), cut to `limit`. */
export function withAlert(list: readonly AlertItem[], alert: AlertItem, limit = PANEL_SIZE): AlertItem[] {
  return [alert, ...list.filter((a) => a.id !== alert.id)].slice(0, limit);
}

/** The list with every unread alert marked read at `at`. */
export function allRead(list: readonly AlertItem[], at: string): AlertItem[] {
  return list.map((a) => (a.readAt ? a : { ...a, readAt: at }));
}
