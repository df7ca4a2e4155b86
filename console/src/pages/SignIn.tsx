import { useEffect, useRef, useState } from 'preact/hooks';
import { describedBy, FieldError } from '../components/FieldError';
import { createClient, errorText, UnauthorizedError } from '../lib/client';
import { normalizeToken } from '../lib/session';
import { CheckTokenQuery } from '../operations';

interface SignInProps {
  notice: string | null;
  onSignedIn: (token: string) => void;
  /** For tests. */
  client?: ReturnType<typeof createClient>;
}

export const TOKEN_REFUSED = 'That token was not accepted.';

export function SignIn({ notice, onSignedIn, client }: SignInProps) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const api = useRef(client ?? createClient({ getToken: () => null }));

  useEffect(() => {
    document.title = 'Sign in · order-import';
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    const token = normalizeToken(value);
    if (!token) {
      setError('Enter an API token.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.current.request(CheckTokenQuery, {}, { token });
      onSignedIn(token);
    } catch (err) {
      setError(err instanceof UnauthorizedError ? TOKEN_REFUSED : errorText(err));
      setBusy(false);
      input.current?.focus();
      input.current?.select();
    }
  }

  return (
    <main id="main" class="signin" tabIndex={-1}>
      <div class="signin-card">
        <p class="brand">
          <svg class="brand-mark" aria-hidden="true" viewBox="0 0 16 16" width="20" height="20">
            <rect width="16" height="16" rx="3" fill="currentColor" />
            <path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2" />
          </svg>
          order-import
        </p>
        <h1 class="page-title">Sign in</h1>
        <p class="hint" id="token-hint">
          Use an API token of your seller account. It is kept in this browser tab only.
        </p>
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        <form onSubmit={submit} noValidate>
          <div class="field">
            <label for="api-token">API token</label>
            <input
              ref={input}
              id="api-token"
              name="token"
              type="password"
              autoComplete="off"
              spellcheck={false}
              required
              value={value}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={describedBy('token-hint', error && 'api-token-error')}
              onInput={(e) => setValue(e.currentTarget.value)}
            />
            <div role="alert">
              <FieldError id="api-token-error" messages={error ? [error] : undefined} />
            </div>
          </div>
          <button type="submit" class="button button-primary" disabled={busy}>
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
