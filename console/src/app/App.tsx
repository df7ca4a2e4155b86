import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createClient, errorText } from '../lib/client';
import { createLiveClient, type LiveClient } from '../lib/live';
import { currentPath, matchRoute, navigate, onNavigate, ROUTES, type RouteName } from '../lib/router';
import type { TokenStore } from '../lib/session';
import { PlatformsQuery, StoresQuery } from '../operations';
import { AlertsBell } from '../components/AlertsBell';
import { Link } from '../components/Link';
import { SignIn } from '../pages/SignIn';
import { ImportOrdersPage } from '../pages/ImportOrders';
import { TransactionsPage } from '../pages/Transactions';
import { StoresPage } from '../pages/Stores';
import { NotFoundPage } from '../pages/NotFound';
import { AppContext, type AppServices, type PlatformInfo, type StoreInfo } from './context';
import { setFocusOnNextHeading } from './focus';

interface AppProps {
  tokens: TokenStore;
}

const EXPIRED = 'Your session ended: the token is no longer accepted. Sign in again.';

export function App({ tokens }: AppProps) {
  const [token, setToken] = useState<string | null>(() => tokens.get());
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback(
    (message: string | null = null) => {
      tokens.clear();
      setNotice(message);
      setToken(null);
    },
    [tokens],
  );

  if (!token) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(value) => {
          tokens.set(value);
          setNotice(null);
          setToken(value);
        }}
      />
    );
  }
  return <Console key={token} tokens={tokens} onSignOut={signOut} />;
}

interface ConsoleProps {
  tokens: TokenStore;
  onSignOut: (message: string | null) => void;
}

function Console({ tokens, onSignOut }: ConsoleProps) {
  const signOutRef = useRef(onSignOut);
  signOutRef.current = onSignOut;
  const expired = useCallback(() => signOutRef.current(EXPIRED), []);

  const client = useMemo(() => createClient({ getToken: () => tokens.get(), onUnauthorized: expired }), [tokens, expired]);
  const live = useMemo<LiveClient>(
    () => createLiveClient({ getToken: () => tokens.get(), onUnauthorized: expired }),
    [tokens, expired],
  );
  useEffect(() => () => live.dispose(), [live]);

  const [platforms, setPlatforms] = useState<PlatformInfo[] | null>(null);
  const [stores, setStores] = useState<StoreInfo[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  const reloadStores = useCallback(async () => {
    const result = await client.request(StoresQuery, {});
    setStores(result.stores);
  }, [client]);

  useEffect(() => {
    let active = true;
    setLoadError(null);
    Promise.all([client.request(PlatformsQuery, {}), client.request(StoresQuery, {})]).then(
      ([p, s]) => {
        if (!active) return;
        setPlatforms(p.platforms);
        setStores(s.stores);
      },
      (error: unknown) => {
        if (active) setLoadError(error);
      },
    );
    return () => {
      active = false;
    };
  }, [client, attempt]);

  const [path, setPath] = useState(currentPath);
  useEffect(
    () =>
      onNavigate((next) => {
        setFocusOnNextHeading();
        setPath(next);
      }),
    [],
  );
  const route = matchRoute(path);
  useEffect(() => {
    if (route === 'root') navigate(ROUTES.import.path, { replace: true });
  }, [route]);

  const services: AppServices | null =
    platforms && stores
      ? {
          client,
          live,
          platforms,
          stores,
          reloadStores,
          signOut: () => onSignOut(null),
        }
      : null;

  let content;
  if (loadError) {
    content = (
      <div class="page">
        <h1>order-import</h1>
        <p class="error-text" role="alert">
          The console could not load: {errorText(loadError)}
        </p>
        <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
          Try again
        </button>
      </div>
    );
  } else if (!services) {
    content = (
      <div class="page">
        <h1>order-import</h1>
        <p role="status">Loading…</p>
      </div>
    );
  } else {
    content = <Page route={route === 'root' ? 'import' : route} />;
  }

  return (
    <AppContext.Provider value={services}>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <header class="topbar">
        <span class="brand">
          <svg class="brand-mark" aria-hidden="true" viewBox="0 0 16 16" width="20" height="20">
            <rect width="16" height="16" rx="3" fill="currentColor" />
            <path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2" />
          </svg>
          order-import
        </span>
        <div class="topbar-actions">
          {services ? <AlertsBell /> : null}
          <button type="button" class="button button-quiet" onClick={() => onSignOut(null)}>
            Sign out
          </button>
        </div>
      </header>
      <div class="layout">
        <nav class="sidebar" aria-label="Console">
          <ul class="nav-list">
            <li>
              <span class="nav-group" id="nav-transaction">
                Transaction
              </span>
              <ul class="nav-tabs" aria-labelledby="nav-transaction">
                <li>
                  <Link href={ROUTES.transactions.path} current={route === 'transactions'}>
                    Transaction List
                  </Link>
                </li>
                <li>
                  <Link
                    href={ROUTES.import.path}
                    current={route === 'import' || route === 'root'}
                   
                  >
                    Import Orders
                  </Link>
                </li>
              </ul>
            </li>
            <li>
              <Link href={ROUTES.stores.path} current={route === 'stores'}>
                Stores
              </Link>
            </li>
          </ul>
        </nav>
        <main id="main" class="main" tabIndex={-1}>
          {content}
        </main>
      </div>
    </AppContext.Provider>
  );
}

function Page({ route }: { route: Exclude<RouteName, never> }) {
  switch (route) {
    case 'import':
      return <ImportOrdersPage />;
    case 'transactions':
      return <TransactionsPage />;
    case 'stores':
      return <StoresPage />;
    default:
      return <NotFoundPage />;
  }
}
