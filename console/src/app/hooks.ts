import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Document } from '../lib/client';
import { useApp } from './context';

export interface QueryState<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Run a query when `key` changes; the latest answer wins. */
export function useQuery<TResult, TVariables>(
  document: Document<TResult, TVariables>,
  variables: TVariables | null,
  key: string,
): QueryState<TResult> {
  const { client } = useApp();
  const [data, setData] = useState<TResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState<boolean>(variables !== null);
  const [tick, setTick] = useState(0);
  const vars = useRef(variables);
  vars.current = variables;

  useEffect(() => {
    if (vars.current === null) {
      setData(null);
      setLoading(false);
      return;
    }
    let live = true;
    setLoading(true);
    setError(null);
    client.request(document, vars.current).then(
      (result) => {
        if (!live) return;
        setData(result);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** A value that follows `value` after `delayMs` of quiet. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return current;
}
