// How GraphiQL reaches the API: `/graphql` on this origin over HTTP, and graphql-transport-ws on the
// same host for subscriptions, each carrying the seller's API token. No framework here (unit-tested).
import type { CreateFetcherOptions, Fetcher } from '@graphiql/toolkit';
import { GraphQLError } from 'graphql';

export const GRAPHQL_PATH = '/graphql';

export const NO_TOKEN =
  'Enter an API token in the "API token" field above: every request GraphiQL sends carries it. ' +
  '`order-import token create --seller NAME` prints one.';

type Where = Pick<Location, 'protocol' | 'host'>;

/** The websocket URL of this server's `/graphql`: `wss:` under `https:`, `ws:` otherwise. */
export function subscriptionUrl(where: Where): string {
  return `${where.protocol === 'https:' ? 'wss:' : 'ws:'}//${where.host}${GRAPHQL_PATH}`;
}

/**
 * `createGraphiQLFetcher`'s options for a token: `Authorization: Bearer <token>` on every HTTP request
 * (a header typed in GraphiQL's own headers editor overrides it) and, for subscriptions, the token in the
 * `connection_init` payload as `{"authorization": "Bearer <token>"}`.
 */
export function fetcherOptions(token: string, where: Where): CreateFetcherOptions {
  const authorization = `Bearer ${token}`;
  return {
    url: GRAPHQL_PATH,
    subscriptionUrl: subscriptionUrl(where),
    headers: { Authorization: authorization },
    wsConnectionParams: { authorization },
  };
}

/** Without a token nothing is sent: the answer says where the token goes. */
export const withoutToken: Fetcher = () => ({ errors: [new GraphQLError(NO_TOKEN)] });
