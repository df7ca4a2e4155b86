import { describe, expect, it, vi } from 'vitest';
import { isPlainLeftClick, matchRoute, navigate, normalizePath, onNavigate } from './router';

describe('routes', () => {
  it('normalizes paths', () => {
    expect(normalizePath('/import/')).toBe('/import');
    expect(normalizePath('')).toBe('/');
    expect(normalizePath('/stores?x=1#y')).toBe('/stores');
  });

  it('matches the screens', () => {
    expect(matchRoute('/')).toBe('root');
    expect(matchRoute('/import')).toBe('import');
    expect(matchRoute('/transactions/')).toBe('transactions');
    expect(matchRoute('/stores')).toBe('stores');
    expect(matchRoute('/nope')).toBe('notFound');
  });

  it('handles plain left clicks only', () => {
    const click = { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, defaultPrevented: false };
    expect(isPlainLeftClick(click)).toBe(true);
    expect(isPlainLeftClick({ ...click, ctrlKey: true })).toBe(false);
    expect(isPlainLeftClick({ ...click, metaKey: true })).toBe(false);
    expect(isPlainLeftClick({ ...click, button: 1 })).toBe(false);
    expect(isPlainLeftClick({ ...click, defaultPrevented: true })).toBe(false);
  });

  it('pushes history and tells listeners', () => {
    const listener = vi.fn();
    const off = onNavigate(listener);
    navigate('/stores');
    expect(window.location.pathname).toBe('/stores');
    expect(listener).toHaveBeenLastCalledWith('/stores');
    navigate('/import', { replace: true });
    expect(window.location.pathname).toBe('/import');
    off();
    navigate('/transactions');
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
