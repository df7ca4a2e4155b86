// Test doubles for the app's services: a GraphQL client answering by operation name,
// and a live client whose subscriptions the test drives.

import type { ComponentChildren } from 'preact';
import { render } from '@testing-library/preact';
import { vi } from 'vitest';
import { AppContext, type AppServices, type PlatformInfo, type StoreInfo } from '../app/context';
import type { Document, GraphQLClient } from '../lib/client';
import type { LiveClient, LiveStatus, Sink } from '../lib/live';

export type Handler = (variables: Record<string, unknown>) => unknown;

export function operationName(document: { toString(): string }): string {
  const match = /(?:query|mutation|subscription)\s+(\w+)/.exec(document.toString());
  return match?.[1] ?? '?';
}

export function fakeClient(handlers: Record<string, Handler>) {
  const calls: { name: string; variables: Record<string, unknown> }[] = [];
  const client: GraphQLClient = {
    async request<TResult, TVariables>(document: Document<TResult, TVariables>, variables: TVariables) {
      const name = operationName(document);
      calls.push({ name, variables: variables as Record<string, unknown> });
      const handler = handlers[name];
      if (!handler) throw new Error(`no handler for ${name}`);
      return (await handler(variables as Record<string, unknown>)) as TResult;
    },
  };
  return { client, calls };
}

export function fakeLive() {
  const subscriptions: { name: string; variables: unknown; sink: Sink<unknown>; closed: boolean }[] = [];
  const connected = new Set<(wasRetry: boolean) => void>();
  const live: LiveClient = {
    subscribe(document, variables, sink) {
      const entry = { name: operationName(document), variables, sink: sink as Sink<unknown>, closed: false };
      subscriptions.push(entry);
      return () => {
        entry.closed = true;
      };
    },
    onConnected(listener) {
      connected.add(listener);
      return () => connected.delete(listener);
    },
    onStatus: () => () => {},
    status: (): LiveStatus => 'connected',
    dispose: () => {},
  };
  return {
    live,
    subscriptions,
    /** Deliver data to the open subscriptions of this operation. */
    emit(name: string, data: unknown) {
      for (const s of subscriptions) if (s.name === name && !s.closed) s.sink.next(data);
    },
    reconnect() {
      for (const listener of [...connected]) listener(true);
    },
  };
}

export const PLATFORMS: PlatformInfo[] = [
  {
    id: 'shopify',
    name: 'Shopify',
    orderIdLabel: 'Order number (#1001) or order ID',
    supportsOrderId: true,
    supportsTime: true,
    credentialFields: [
      { name: 'shop_domain', label: 'Shop domain', secret: false, required: true },
      { name: 'access_token', label: 'Admin API access token', secret: true, required: true },
    ],
  },
  {
    id: 'paypal',
    name: 'PayPal',
    orderIdLabel: 'PayPal order ID or transaction ID',
    supportsOrderId: true,
    supportsTime: true,
    credentialFields: [],
  },
];

export type RecoveryJob = NonNullable<StoreInfo['recovery']['lastJob']>;

/** A store's last automatic run: finished, 12 orders read, all already in the Transaction List. */
export const recoveryJob = (extra: Partial<RecoveryJob> = {}): RecoveryJob => ({
  id: 'j1',
  trigger: 'SCHEDULE',
  method: 'TIME',
  orderId: null,
  hours: 2,
  status: 'SUCCEEDED',
  fetched: 12,
  imported: 0,
  skipped: 12,
  skippedPending: 0,
  skippedAccepted: 0,
  skippedInTransactionList: 12,
  skippedCanceled: 0,
  notFound: 0,
  errorCode: null,
  error: null,
  warning: null,
  startedAt: '2026-12-07T10:15:00.000Z',
  finishedAt: '2026-12-07T10:15:02.000Z',
  orderIds: null,
  dryRun: false,
  ...extra,
});

export function store(id: string, platform: PlatformInfo, extra: Partial<StoreInfo> = {}): StoreInfo {
  return {
    id,
    name: `Store ${id}`,
    apiBaseUrl: null,
    createdAt: '2026-12-07T10:00:00.000Z',
    connected: true,
    webhookUrl: `https://orders.example.com/webhooks/${platform.id}/${id}`,
    platform: { id: platform.id, name: platform.name },
    webhookHealth: {
      lastDeliveryAt: null,
      lastRejectedAt: null,
      lastRejectedReason: null,
      usualGapSeconds: null,
      quiet: false,
      message: null,
    },
    webhookRegistrationProblem: null,
    webhookRegistrations: [],
    recovery: {
      enabled: true,
      intervalSeconds: 900,
      hours: 2,
      lastRunAt: null,
      nextRunAt: '2026-12-07T10:12:31.000Z',
      failures: 0,
      lastJob: null,
    },
    ...extra,
  };
}

export function renderWithApp(ui: ComponentChildren, services: Partial<AppServices> & Pick<AppServices, 'client' | 'live'>) {
  const value: AppServices = {
    platforms: PLATFORMS,
    stores: [],
    reloadStores: vi.fn(async () => {}),
    signOut: vi.fn(),
    ...services,
  };
  return { ...render(<AppContext.Provider value={value}>{ui}</AppContext.Provider>), services: value };
}
