// An imported order's history (ImportedOrder.history: its audit trail, oldest first) in a seller's words.

import type { AuditAction, PaymentStatus } from '../gql/graphql';
import { PAYMENT_BADGES } from './payment';

/** One entry as the console reads it (AuditEvent). */
export interface HistoryEntry {
  id: string;
  at: string;
  actor: string;
  action: AuditAction;
  detail: unknown;
}

/** What each action did, as a seller says it. */
export const ACTIONS: Record<AuditAction, string> = {
  IMPORT_STARTED: 'Import started',
  ORDER_IMPORTED: 'Imported as pending',
  ORDER_RESTORED: 'Pending again (restored by an import)',
  ACCEPTED: 'Accepted',
  FORCED_ACCEPT: 'Accepted anyway',
  CANCELED: 'Marked as canceled',
  RESOLVED_BY_WEBHOOK: 'Listed by a webhook of the platform',
  ORDER_CHANGED: 'Changed on the platform',
  STORE_CONNECTED: 'Store connected',
  STORE_UPDATED: 'Store changed',
  STORE_DISCONNECTED: 'Store disconnected',
  RECOVERY_CHANGED: 'Automatic recovery changed',
  TOKEN_CREATED: 'API token created',
  TOKEN_REVOKED: 'API token revoked',
};

/**
 * Who, from an actor: "token:‹name›" is the token's name, "webhook:‹platform›" the platform's webhook
 * ("Shopify webhook"), "schedule" automatic recovery, "cli" the command line.
 */
export function actorWords(actor: string, platforms: readonly { id: string; name: string }[] = []): string {
  const [kind, ...rest] = actor.split(':');
  const name = rest.join(':');
  if (kind === 'token' && name) return name;
  if (kind === 'webhook' && name) return `${platforms.find((p) => p.id === name)?.name ?? name} webhook`;
  if (actor === 'schedule') return 'automatic recovery';
  if (actor === 'cli') return 'the command line';
  return actor;
}

type Detail = Record<string, unknown>;

function asDetail(value: unknown): Detail {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Detail) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** An order's state as the payment guard reads it: "Payment pending, test order, platform status “pending”". */
function guardState(detail: Detail): string {
  const parts: string[] = [];
  const payment = text(detail.paymentStatus);
  if (payment) parts.push(payment in PAYMENT_BADGES ? PAYMENT_BADGES[payment as PaymentStatus].text : payment);
  if (detail.testOrder === true) parts.push('test order');
  if (detail.canceled === true) parts.push('canceled');
  const status = text(detail.platformStatus);
  if (status) parts.push(`platform status “${status}”`);
  return parts.join(', ');
}

/** The particulars that matter: a cancel's reason, what a forced accept overrode, what the platform changed. */
export function detailWords(entry: Pick<HistoryEntry, 'action' | 'detail'>): string | null {
  const detail = asDetail(entry.detail);
  switch (entry.action) {
    case 'CANCELED': {
      const reason = text(detail.reason);
      if (detail.storeDisconnected === true) return 'Its store was disconnected.';
      return reason ? `Reason: “${reason}”` : null;
    }
    case 'FORCED_ACCEPT': {
      const state = guardState(detail);
      return state ? `Over the payment guard: ${state}.` : null;
    }
    case 'ORDER_CHANGED': {
      const now = guardState(detail);
      const was = guardState(asDetail(detail.was));
      if (!now) return null;
      return was ? `Now ${now}; was ${was}.` : `Now ${now}.`;
    }
    default:
      return null;
  }
}
