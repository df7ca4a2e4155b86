import { describe, expect, it } from 'vitest';
import { createTokenStore, normalizeToken, TOKEN_KEY } from './session';

describe('the token', () => {
  it('is kept in sessionStorage and forgotten on sign out', () => {
    const store = createTokenStore(window.sessionStorage);
    expect(store.get()).toBeNull();
    store.set('oi_abc');
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBe('oi_abc');
    expect(createTokenStore(window.sessionStorage).get()).toBe('oi_abc'); // a reload keeps it
    store.clear();
    expect(store.get()).toBeNull();
    expect(window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('lives in memory where storage is unavailable', () => {
    const store = createTokenStore(null);
    store.set('oi_x');
    expect(store.get()).toBe('oi_x');
    store.clear();
    expect(store.get()).toBeNull();
  });

  it('drops spaces and a pasted "Bearer "', () => {
    expect(normalizeToken('  oi_abc \n')).toBe('oi_abc');
    expect(normalizeToken('Bearer oi_abc')).toBe('oi_abc');
    expect(normalizeToken('   ')).toBe('');
  });
});
