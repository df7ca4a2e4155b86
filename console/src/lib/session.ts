// The seller's API token, kept in sessionStorage: a reload keeps the seller signed
// in, closing the tab forgets the token, and Sign out forgets it at once.

export const TOKEN_KEY = 'order-import.token';

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the token lives in memory for this page only
  }
}

export function createTokenStore(backing: Storage | null = storage()): TokenStore {
  let memory: string | null = null;
  return {
    get() {
      if (!backing) return memory;
      try {
        return backing.getItem(TOKEN_KEY);
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        backing?.setItem(TOKEN_KEY, token);
      } catch {
        // quota or privacy mode: keep it in memory
      }
    },
    clear() {
      memory = null;
      try {
        backing?.removeItem(TOKEN_KEY);
      } catch {
        // nothing stored
      }
    },
  };
}

/** What a seller pastes: surrounding spaces and a leading "Bearer " are not part of the token. */
export function normalizeToken(input: string): string {
  return input.trim().replace(/^bearer\s+/i, '').trim();
}
