import { useEffect, useRef, useState } from 'preact/hooks';
import type { JobFieldsFragment } from '../gql/graphql';
import type { UserErrorValue } from '../lib/errors';
import { errorText } from '../lib/client';
import type { ImportVariables } from '../lib/importForm';
import { ImportJobQuery, ImportJobSubscription, ImportOrdersMutation } from '../operations';
import { useApp } from './context';

export interface StartResult {
  userErrors: UserErrorValue[];
  requestError: string | null;
}

const POLL_MS = 2_000;

/**
 * Runs importOrders and follows the job: the importJob subscription while it is
 * RUNNING (polling importJob(id) if live updates are not available) until it finishes.
 */
export function useImportJob(onFinished: (job: JobFieldsFragment) => void) {
  const { client, live } = useApp();
  const [job, setJob] = useState<JobFieldsFragment | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const stop = useRef<() => void>(() => {});
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => () => stop.current(), []);

  function follow(first: JobFieldsFragment) {
    stop.current();
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe: () => void = () => {};

    const update = (next: JobFieldsFragment) => {
      if (done || next.id !== first.id) return;
      setJob(next);
      if (next.status !== 'RUNNING') {
        done = true;
        unsubscribe();
        clearTimeout(timer);
        finished.current(next);
      }
    };

    const poll = () => {
      if (done) return;
      client.request(ImportJobQuery, { id: first.id }).then(
        (result) => {
          if (result.importJob) update(result.importJob);
          if (!done) timer = setTimeout(poll, POLL_MS);
        },
        () => {
          if (!done) timer = setTimeout(poll, POLL_MS * 2);
        },
      );
    };

    unsubscribe = live.subscribe(ImportJobSubscription, { id: first.id }, {
      next: (data) => update(data.importJob),
      error: () => {
        if (!done) poll();
      },
      complete: () => {
        // The server ends the stream when the job finishes; make sure we saw the end.
        if (!done) poll();
      },
    });

    stop.current = () => {
      done = true;
      unsubscribe();
      clearTimeout(timer);
    };
  }

  async function start(variables: ImportVariables): Promise<StartResult> {
    setSubmitting(true);
    try {
      const result = await client.request(ImportOrdersMutation, variables);
      const payload = result.importOrders;
      if (payload.userErrors.length > 0 || !payload.job) {
        return {
          userErrors: payload.userErrors,
          requestError: payload.userErrors.length > 0 ? null : 'The server started no import. Try again.',
        };
      }
      stop.current();
      setJob(payload.job);
      if (payload.job.status === 'RUNNING') follow(payload.job);
      else finished.current(payload.job);
      return { userErrors: [], requestError: null };
    } catch (error) {
      return { userErrors: [], requestError: errorText(error) };
    } finally {
      setSubmitting(false);
    }
  }

  function clear() {
    stop.current();
    setJob(null);
  }

  return { job, submitting, start, clear };
}
