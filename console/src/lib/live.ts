// Live updates over graphql-ws (the graphql-transport-ws protocol) at /graphql.
//
// The token goes in the connection_init payload as {"authorization": "Bearer <token>"},
// read again on every (re)connect. A dropped socket is reconnected with exponential
// backoff, forever; a socket the server closes for the token (4401, 4403) is not,
// and the app signs the seller out. Every (re)connect is announced, so that lists
// held by the page can be fetched again (resync): events sent while the socket was
// down are not replayed by the server.

import { createClient as createWsClient, type Client, type ClientOptions as WsOptions } from 'graphql-ws';
import { backoffDelay } from './backoff';
import type { Document } from './client';

export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export const AUTH_CLOSE_CODES: readonly number[] = [4401, 4403];

export interface LiveOptions {
  url?: string;
  getToken: () => string | null;
  onUnauthorized?: () => void;
  /** For tests: the graphql-ws client factory, and its WebSocket. */
  createClient?: (options: WsOptions) => Client;
  webSocketImpl?: unknown;
  random?: () => number;
}

export interface Sink<T> {
  next: (value: T) => void;
  error?: (error: unknown) => void;
  complete?: () => void;
}

export interface LiveClient {
  subscribe<TResult, TVariables>(
    document: Document<TResult, TVariables>,
    variables: TVariables,
    sink: Sink<TResult>,
  ): () => void;
  /** Called on every connection acknowledged by the server: the first and each reconnect. */
  onConnected(listener: (wasRetry: boolean) => void): () => void;
  onStatus(listener: (status: LiveStatus) => void): () => void;
  status(): LiveStatus;
  dispose(): void;
}

export function defaultLiveUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/graphql`;
}

function closeCode(value: unknown): number | undefined {
  if (value && typeof value === 'object' && 'code' in value) {
    const code = (value as { code: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/** Should the socket be opened again after this error or close event? */
export function shouldReconnect(errorOrClose: unknown): boolean {
  const code = closeCode(errorOrClose);
  return code === undefined || !AUTH_CLOSE_CODES.includes(code);
}

export function createLiveClient(options: LiveOptions): LiveClient {
  const connectedListeners = new Set<(wasRetry: boolean) => void>();
  const statusListeners = new Set<(status: LiveStatus) => void>();
  let current: LiveStatus = 'idle';
  let everConnected = false;
  let disposed = false;

  const setStatus = (status: LiveStatus) => {
    if (status === current) return;
    current = status;
    for (const listener of [...statusListeners]) listener(status);
  };

  const factory = options.createClient ?? createWsClient;
  const wsOptions: WsOptions = {
    url: options.url ?? defaultLiveUrl(),
    lazy: true,
    lazyCloseTimeout: 3_000,
    keepAlive: 20_000,
    connectionAckWaitTimeout: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, backoffDelay(retries, { random: options.random }))),
    shouldRetry: shouldReconnect,
    connectionParams: () => {
      const token = options.getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      connecting: (isRetry: boolean) => setStatus(isRetry || everConnected ? 'reconnecting' : 'connecting'),
      connected: (_socket: unknown, _payload: unknown, wasRetry: boolean) => {
        const again = wasRetry || everConnected;
        everConnected = true;
        setStatus('connected');
        for (const listener of [...connectedListeners]) listener(again);
      },
      closed: (event: unknown) => {
        const code = closeCode(event);
        if (code !== undefined && AUTH_CLOSE_CODES.includes(code)) {
          setStatus('closed');
          if (!disposed) options.onUnauthorized?.();
          return;
        }
        if (!disposed && current === 'connected') setStatus('reconnecting');
      },
    },
  };
  if (options.webSocketImpl) wsOptions.webSocketImpl = options.webSocketImpl;
  const client = factory(wsOptions);

  return {
    subscribe<TResult, TVariables>(
      document: Document<TResult, TVariables>,
      variables: TVariables,
      sink: Sink<TResult>,
    ) {
      let finished = false;
      const unsubscribe = client.subscribe<TResult>(
        { query: document.toString(), variables: (variables ?? {}) as Record<string, unknown> },
        {
          next: (result) => {
            if (result.errors && result.errors.length > 0) {
              sink.error?.(result.errors);
              return;
            }
            if (result.data) sink.next(result.data);
          },
          error: (error) => {
            finished = true;
            sink.error?.(error);
          },
          complete: () => {
            finished = true;
            sink.complete?.();
          },
        },
      );
      return () => {
        if (!finished) unsubscribe();
        finished = true;
      };
    },
    onConnected(listener) {
      connectedListeners.add(listener);
      return () => connectedListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    status: () => current,
    dispose() {
      disposed = true;
      connectedListeners.clear();
      setStatus('closed');
      statusListeners.clear();
      // Disposed while its socket is still connecting, graphql-ws rejects with the socket's close event:
      // the session is over, so there is nobody left to tell.
      Promise.resolve(client.dispose()).catch(() => {});
    },
  };
}
