/** @jsxImportSource react */
// GraphiQL for the API at /graphql, with the seller's API token asked for above it. Real React (not
// preact/compat): this entry is built by vite.graphiql.config.ts, apart from the Preact console.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { type FormEvent, useMemo, useState } from 'react';
import { normalizeToken, type TokenStore } from '../lib/session';
import { fetcherOptions, withoutToken } from './fetcher';

export const DEFAULT_QUERY = `# The order-import API: enter your API token above, then run (Ctrl-Enter).
{
  platforms {
    id
    name
  }
}
`;

export function GraphiQLPage({ tokens }: { tokens: TokenStore }) {
  const [token, setToken] = useState<string | null>(() => tokens.get());
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const fetcher = useMemo(
    () => (token ? createGraphiQLFetcher(fetcherOptions(token, window.location)) : withoutToken),
    [token],
  );

  const applyToken = (event: FormEvent) => {
    event.preventDefault();
    const entered = normalizeToken(draft);
    if (!entered) {
      setProblem('Enter an API token.');
      return;
    }
    tokens.set(entered);
    setToken(entered);
    setDraft('');
    setProblem(null);
  };
  const forgetToken = () => {
    tokens.clear();
    setToken(null);
  };

  return (
    <div className="oi-page">
      <header className="oi-bar">
        <a className="oi-brand" href="/">
          order-import
        </a>
        <form className="oi-token" onSubmit={applyToken} noValidate>
          <label htmlFor="oi-api-token">API token</label>
          <input
            id="oi-api-token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={token ? 'a token is in use' : 'oi_…'}
            value={draft}
            aria-invalid={problem ? true : undefined}
            aria-describedby="oi-token-state"
            onChange={(event) => setDraft(event.currentTarget.value)}
          />
          <button type="submit">Use token</button>
          {token && (
            <button type="button" onClick={forgetToken}>
              Forget token
            </button>
          )}
        </form>
        <p id="oi-token-state" className="oi-state" role="status">
          {problem ??
            (token
              ? 'Every request carries this token (kept for this tab only).'
              : 'Enter an API token to run operations.')}
        </p>
      </header>
      <main className="oi-graphiql">
        <GraphiQL
          fetcher={fetcher}
          // No token: no schema and no introspection request (it could only be refused).
          schema={token ? undefined : null}
          defaultQuery={DEFAULT_QUERY}
          shouldPersistHeaders={false}
        />
      </main>
    </div>
  );
}
