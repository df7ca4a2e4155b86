import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenStore, TOKEN_KEY } from '../lib/session';
import { App } from './App';

function serve(status = 200) {
  const fetch = vi.fn(async (_url: string, init: RequestInit) => {
    const { query } = JSON.parse(init.body as string) as { query: string };
    const answer = (data: unknown) =>
      new Response(JSON.stringify({ data }), { status, headers: { 'Content-Type': 'application/json' } });
    if (status !== 200) return answer(null);
    if (query.includes('query Platforms')) return answer({ platforms: [] });
    if (query.includes('query Stores')) return answer({ stores: [] });
    if (query.includes('query Transactions')) {
      return answer({ transactions: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } });
    }
    return answer({ platforms: [] });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
  window.history.replaceState(null, '', '/');
});

describe('the console shell', () => {
  it('keeps the seller signed in across a reload, with landmarks and the sidebar', async () => {
    serve();
    window.sessionStorage.setItem(TOKEN_KEY, 'oi_kept');
    window.history.replaceState(null, '', '/transactions');
    render(<App tokens={createTokenStore(window.sessionStorage)} />);
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Transaction List' })).toBeTruthy());
    const nav = screen.getByRole('navigation');
    expect(screen.getByRole('main')).toBeTruthy();
    const current = screen.getByRole('link', { name: 'Transaction List' });
    expect(current.getAttribute('aria-current')).toBe('page');
    expect(current.getAttribute('href')).toBe('/transactions');
    expect(screen.getByRole('link', { name: 'Import Orders' }).getAttribute('aria-current')).toBeNull();
    expect(screen.getByRole('link', { name: 'Stores' }).getAttribute('href')).toBe('/stores');
    expect(nav.textContent).toContain('Transaction');
    expect(await screen.findByText('No transactions yet.')).toBeTruthy();
  });

  it('Sign out forgets the token', async () => {
    serve();
    window.sessionStorage.setItem(TOKEN_KEY, 'oi_kept');
    window.history.replaceState(null, '', '/transactions');
    render(<App tokens={createTokenStore(window.sessionStorage)} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('API token')).toBeTruthy();
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('a token refused later (401) signs the seller out and says why', async () => {
    serve(401);
    window.sessionStorage.setItem(TOKEN_KEY, 'oi_revoked');
    window.history.replaceState(null, '', '/transactions');
    render(<App tokens={createTokenStore(window.sessionStorage)} />);
    expect(await screen.findByLabelText('API token')).toBeTruthy();
    expect(screen.getByText(/no longer accepted/)).toBeTruthy();
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });
});
