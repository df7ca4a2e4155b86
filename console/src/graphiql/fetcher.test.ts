import { describe, expect, it } from 'vitest';
import { fetcherOptions, NO_TOKEN, subscriptionUrl, withoutToken } from './fetcher';

describe('GraphiQL fetcher options', () => {
  it('sends the token as a bearer header and in connection_init', () => {
    const options = fetcherOptions('oi_abc', { protocol: 'http:', host: '127.0.0.1:8000' });
    expect(options).toEqual({
      url: '/graphql',
      subscriptionUrl: 'ws://127.0.0.1:8000/graphql',
      headers: { Authorization: 'Bearer oi_abc' },
      wsConnectionParams: { authorization: 'Bearer oi_abc' },
    });
  });

  it('uses wss under https', () => {
    expect(subscriptionUrl({ protocol: 'https:', host: 'orders.example.com' })).toBe('wss://orders.example.com/graphql');
  });

  it('sends nothing without a token and says where it goes', async () => {
    const fetch = globalThis.fetch;
    let called = false;
    globalThis.fetch = (() => {
      called = true;
      throw new Error('no request without a token');
    }) as typeof fetch;
    try {
      expect(await withoutToken({ query: '{ platforms { id } }' })).toMatchObject({ errors: [{ message: NO_TOKEN }] });
    } finally {
      globalThis.fetch = fetch;
    }
    expect(called).toBe(false);
    expect(NO_TOKEN).toContain('API token');
  });
});
