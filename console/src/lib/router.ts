// History routing: real links (<a href>), pushState on click, popstate on Back.

export interface Route {
  path: string;
  title: string;
}

export const ROUTES = {
  import: { path: '/import', title: 'Import Orders' },
  transactions: { path: '/transactions', title: 'Transaction List' },
  stores: { path: '/stores', title: 'Stores' },
} as const satisfies Record<string, Route>;

export type RouteName = keyof typeof ROUTES | 'notFound';

/** "/import/" → "/import"; "" → "/". */
export function normalizePath(path: string): string {
  const clean = path.split(/[?#]/)[0] ?? '/';
  if (clean === '' || clean === '/') return '/';
  return clean.replace(/\/+$/, '') || '/';
}

export function matchRoute(path: string): RouteName | 'root' {
  const normalized = normalizePath(path);
  if (normalized === '/') return 'root';
  for (const [name, route] of Object.entries(ROUTES)) {
    if (route.path === normalized) return name as RouteName;
  }
  return 'notFound';
}

/** Whether a click on a link is ours to handle (not a new tab, window or download). */
export function isPlainLeftClick(event: Pick<MouseEvent, 'button' | 'metaKey' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'defaultPrevented'>): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey && !event.defaultPrevented;
}

type Listener = (path: string) => void;
const listeners = new Set<Listener>();

export function currentPath(): string {
  return normalizePath(window.location.pathname);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', path);
  else if (normalizePath(path) !== currentPath()) window.history.pushState(null, '', path);
  const now = currentPath();
  for (const listener of [...listeners]) listener(now);
}

export function onNavigate(listener: Listener): () => void {
  listeners.add(listener);
  const pop = () => listener(currentPath());
  window.addEventListener('popstate', pop);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', pop);
  };
}
