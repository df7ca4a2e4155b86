// A small GraphQL client over fetch('/graphql') for the typed documents that
// graphql-codegen generates (document mode "string": no GraphQL runtime in the bundle).

import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';

export type Document<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & {
  toString(): string;
};

/** The token was refused (HTTP 401): the seller must sign in again. */
export class UnauthorizedError extends Error {
  constructor(message = 'That token was not accepted.') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export type RequestErrorKind = 'network' | 'http' | 'rate-limited' | 'graphql';

/** Any other failure of a request, with words a seller can read. */
export class RequestError extends Error {
  readonly kind: RequestErrorKind;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: RequestErrorKind, message: string, status?: number, retryAfterSeconds?: number) {
    super(message);
    this.name = 'RequestError';
    this.kind = kind;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface ClientOptions {
  endpoint?: string;
  fetch?: typeof fetch;
  getToken: () => string | null;
  /** Called on every 401 from the server (the app then signs the seller out). */
  onUnauthorized?: () => void;
}

export interface RequestOptions {
  /** Use this token instead of the stored one (signing in checks a token before keeping it). */
  token?: string;
  signal?: AbortSignal;
}

export interface GraphQLClient {
  request<TResult, TVariables>(
    document: Document<TResult, TVariables>,
    variables: TVariables,
    options?: RequestOptions,
  ): Promise<TResult>;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  if (Number.isFinite(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  return undefined;
}

/** Words for an error of any kind, for the place where it is shown. */
export function errorText(error: unknown): string {
  if (error instanceof UnauthorizedError || error instanceof RequestError) return error.message;
  if (error instanceof DOMException && error.name === 'AbortError') return 'The request was stopped.';
  return 'Something went wrong. Try again.';
}

export function createClient(options: ClientOptions): GraphQLClient {
  const endpoint = options.endpoint ?? '/graphql';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function request<TResult, TVariables>(
    document: Document<TResult, TVariables>,
    variables: TVariables,
    requestOptions: RequestOptions = {},
  ): Promise<TResult> {
    const token = requestOptions.token ?? options.getToken();
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
    };
    if (token) headers.Authorization = `Bearer ${token}`;

    let response: Response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
        credentials: 'same-origin',
        signal: requestOptions.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new RequestError('network', 'Could not reach the server. Check the connection and try again.');
    }

    if (response.status === 401) {
      // A token being checked at sign-in is not the session's: don't sign anyone out for it.
      if (requestOptions.token === undefined) options.onUnauthorized?.();
      throw new UnauthorizedError();
    }
    if (response.status === 429) {
      const seconds = retryAfter(response.headers.get('Retry-After'));
      throw new RequestError(
        'rate-limited',
        seconds !== undefined
          ? `Too many requests. Try again in ${seconds} seconds.`
          : 'Too many requests. Try again shortly.',
        429,
        seconds,
      );
    }

    let body: GraphQLResponse<TResult>;
    try {
      body = (await response.json()) as GraphQLResponse<TResult>;
    } catch {
      throw new RequestError('http', `The server answered ${response.status} without a readable body.`, response.status);
    }
    if (body.errors && body.errors.length > 0) {
      const unauthenticated = body.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
      if (unauthenticated) {
        if (requestOptions.token === undefined) options.onUnauthorized?.();
        throw new UnauthorizedError();
      }
      throw new RequestError('graphql', body.errors.map((e) => e.message).join('; '), response.status);
    }
    if (!response.ok || body.data == null) {
      throw new RequestError('http', `The server answered ${response.status}.`, response.status);
    }
    return body.data;
  }

  return { request };
}
