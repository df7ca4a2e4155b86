import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Client, ClientOptions } from 'graphql-ws';
import { createLiveClient, defaultLiveUrl, shouldReconnect, type LiveStatus } from './live';
import type { Document } from './client';

const doc = { toString: () => 'subscription S { x }' } as unknown as Document<{ x: number }, { id: string }>;

function fakeFactory() {
  const captured: { options?: ClientOptions; subscribed: unknown[]; disposed: boolean } = { subscribed: [], disposed: false };
  const sinks: { next: (v: unknown) => void; error: (e: unknown) => void; complete: () => void }[] = [];
  const unsubscribe = vi.fn();
  const factory = (options: ClientOptions): Client => {
    captured.options = options;
    return {
      subscribe: (payload: unknown, sink: (typeof sinks)[number]) => {
        captured.subscribed.push(payload);
        sinks.push(sink);
        return unsubscribe;
      },
      dispose: () => {
        captured.disposed = true;
      },
      on: () => () => {},
      terminate: () => {},
      iterate: () => {
        throw new Error('not used');
      },
    } as unknown as Client;
  };
  return { factory, captured, sinks, unsubscribe };
}

afterEach(() => vi.useRealTimers());

describe('live updates', () => {
  it('sends the token in connection_init, read again on every connect', async () => {
    let token = 'first';
    const { factory, captured } = fakeFactory();
    createLiveClient({ url: 'ws://x/graphql', getToken: () => token, createClient: factory });
    const params = captured.options!.connectionParams as () => Promise<unknown> | unknown;
    expect(await params()).toEqual({ authorization: 'Bearer first' });
    token = 'second';
    expect(await params()).toEqual({ authorization: 'Bearer second' });
    expect(captured.options!.url).toBe('ws://x/graphql');
  });

  it('retries forever, but not after the server refused the token', () => {
    const { factory, captured } = fakeFactory();
    createLiveClient({ url: 'ws://x', getToken: () => 't', createClient: factory });
    expect(captured.options!.retryAttempts).toBe(Number.POSITIVE_INFINITY);
    expect(shouldReconnect({ code: 1006, reason: '' })).toBe(true);
    expect(shouldReconnect({ code: 1001, reason: 'going away' })).toBe(true);
    expect(shouldReconnect(new Event('error'))).toBe(true);
    expect(shouldReconnect({ code: 4401, reason: 'Unauthorized' })).toBe(false);
    expect(shouldReconnect({ code: 4403, reason: 'Forbidden' })).toBe(false);
    expect(captured.options!.shouldRetry).toBe(shouldReconnect);
  });

  it('waits with exponential backoff between retries', async () => {
    vi.useFakeTimers();
    const { factory, captured } = fakeFactory();
    createLiveClient({ url: 'ws://x', getToken: () => 't', createClient: factory, random: () => 0 });
    const wait = captured.options!.retryWait!;
    let done = false;
    void wait(3).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(1999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('announces every (re)connect, so lists are fetched again', () => {
    const { factory, captured } = fakeFactory();
    const live = createLiveClient({ url: 'ws://x', getToken: () => 't', createClient: factory });
    const connected = vi.fn();
    const statuses: LiveStatus[] = [];
    live.onConnected(connected);
    live.onStatus((s) => statuses.push(s));
    const on = captured.options!.on!;
    on.connecting!(false);
    on.connected!({}, undefined, false);
    on.closed!({ code: 1006, reason: '' });
    on.connecting!(true);
    on.connected!({}, undefined, true);
    expect(connected.mock.calls).toEqual([[false], [true]]);
    expect(statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(live.status()).toBe('connected');
  });

  it('signs the seller out when the socket is closed for the token', () => {
    const onUnauthorized = vi.fn();
    const { factory, captured } = fakeFactory();
    const live = createLiveClient({ url: 'ws://x', getToken: () => 't', createClient: factory, onUnauthorized });
    captured.options!.on!.closed!({ code: 4403, reason: 'Forbidden' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(live.status()).toBe('closed');
  });

  it('passes data on, GraphQL errors to error, and unsubscribes once', () => {
    const { factory, captured, sinks, unsubscribe } = fakeFactory();
    const live = createLiveClient({ url: 'ws://x', getToken: () => 't', createClient: factory });
    const next = vi.fn();
    const error = vi.fn();
    const stop = live.subscribe(doc, { id: '7' }, { next, error });
    expect(captured.subscribed).toEqual([{ query: 'subscription S { x }', variables: { id: '7' } }]);
    sinks[0]!.next({ data: { x: 1 } });
    sinks[0]!.next({ errors: [{ message: 'bad' }] });
    expect(next).toHaveBeenCalledWith({ x: 1 });
    expect(error).toHaveBeenCalledWith([{ message: 'bad' }]);
    stop();
    stop();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });

  it('is disposed with the session', () => {
    const { factory, captured } = fakeFactory();
    const live = createLiveClient({ url: 'ws://x', getToken: () => 't', createClient: factory });
    live.dispose();
    expect(captured.disposed).toBe(true);
    expect(live.status()).toBe('closed');
  });

  it('is disposed quietly while its socket is still connecting', async () => {
    const { factory } = fakeFactory();
    const rejecting = (options: ClientOptions): Client => ({
      ...factory(options),
      dispose: () => Promise.reject(new Event('close')),
    });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      createLiveClient({ url: 'ws://x', getToken: () => 't', createClient: rejecting }).dispose();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('uses the page origin for the socket', () => {
    expect(defaultLiveUrl({ protocol: 'https:', host: 'orders.example.com' })).toBe('wss://orders.example.com/graphql');
    expect(defaultLiveUrl({ protocol: 'http:', host: '127.0.0.1:8000' })).toBe('ws://127.0.0.1:8000/graphql');
  });
});
