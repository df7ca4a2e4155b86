// Exponential backoff with jitter, for reconnecting the live-updates socket.

export interface BackoffOptions {
  /** Delay of the first retry, before jitter. */
  baseMs?: number;
  /** No delay grows past this. */
  maxMs?: number;
  /** A number in [0, 1): Math.random by default. */
  random?: () => number;
}

/**
 * The wait before retry number `attempt` (0 for the first): base · 2^attempt,
 * capped at max, then "equal jitter" (between half of it and all of it), so
 * many consoles reconnecting after a server restart do not all come at once.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(max, base * 2 ** exponent);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
