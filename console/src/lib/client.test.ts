import { describe, expect, it, vi } from 'vitest';
import { createClient, errorText, RequestError, UnauthorizedError, type Document } from './client';

const doc = { toString: () => 'query Q { platforms { id } }' } as unknown as Document<{ platforms: { id: string }[] }, Record<string, never>>;

function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    }),
  );
}

describe('the GraphQL client', () => {
  it('posts the document and variables with the bearer token', async () => {
    const fetch = respond(200, { data: { platforms: [{ id: 'shopify' }] } });
    const client = createClient({ fetch, getToken: () => 'oi_secret' });
    await expect(client.request(doc, {})).resolves.toEqual({ platforms: [{ id: 'shopify' }] });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer oi_secret');
    expect(JSON.parse(init.body as string)).toEqual({ query: 'query Q { platforms { id } }', variables: {} });
  });

  it('on 401 signs the seller out and throws UnauthorizedError', async () => {
    const onUnauthorized = vi.fn();
    const client = createClient({ fetch: respond(401, { errors: [{ message: 'no' }] }), getToken: () => 't', onUnauthorized });
    const error = await client.request(doc, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(errorText(error)).toBe('That token was not accepted.');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('a token being checked at sign-in does not sign anyone out', async () => {
    const onUnauthorized = vi.fn();
    const client = createClient({ fetch: respond(401, 'nope'), getToken: () => null, onUnauthorized });
    await expect(client.request(doc, {}, { token: 'candidate' })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('sends the token given for the request', async () => {
    const fetch = respond(200, { data: { platforms: [] } });
    const client = createClient({ fetch, getToken: () => 'stored' });
    await client.request(doc, {}, { token: 'candidate' });
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer candidate');
  });

  it('says when to try again after 429', async () => {
    const client = createClient({ fetch: respond(429, 'slow down', { 'Retry-After': '12' }), getToken: () => 't' });
    const error = (await client.request(doc, {}).catch((e: unknown) => e)) as RequestError;
    expect(error).toBeInstanceOf(RequestError);
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(12);
    expect(error.message).toBe('Too many requests. Try again in 12 seconds.');
  });

  it('reports GraphQL errors and masked failures in words', async () => {
    const client = createClient({
      fetch: respond(200, { data: null, errors: [{ message: 'Variable "$first" got invalid value' }] }),
      getToken: () => 't',
    });
    const error = (await client.request(doc, {}).catch((e: unknown) => e)) as RequestError;
    expect(error.kind).toBe('graphql');
    expect(error.message).toBe('Variable "$first" got invalid value');
  });

  it('treats an UNAUTHENTICATED GraphQL error like a 401', async () => {
    const onUnauthorized = vi.fn();
    const client = createClient({
      fetch: respond(200, { errors: [{ message: 'who?', extensions: { code: 'UNAUTHENTICATED' } }] }),
      getToken: () => 't',
      onUnauthorized,
    });
    await expect(client.request(doc, {})).rejects.toBeInstanceOf(UnauthorizedError);
    expect(onUnauthorized).toHaveBeenCalled();
  });

  it('reports a server that cannot be reached, or that answers without JSON', async () => {
    const down = createClient({ fetch: vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))), getToken: () => 't' });
    const error = (await down.request(doc, {}).catch((e: unknown) => e)) as RequestError;
    expect(error.kind).toBe('network');
    expect(errorText(error)).toMatch(/Could not reach the server/);

    const html = createClient({ fetch: respond(502, '<html>Bad gateway</html>'), getToken: () => 't' });
    const bad = (await html.request(doc, {}).catch((e: unknown) => e)) as RequestError;
    expect(bad.kind).toBe('http');
    expect(bad.status).toBe(502);
  });

  it('gives generic words for unknown errors', () => {
    expect(errorText(new Error('boom'))).toBe('Something went wrong. Try again.');
  });
});
