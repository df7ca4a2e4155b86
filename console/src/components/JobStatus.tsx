import type { JobFieldsFragment } from '../gql/graphql';
import { describeJob, jobTarget } from '../lib/importResult';

/**
 * The current import: progress while it runs, then its one-line result, its
 * warning and, when it failed, why. A live region (role=status), present before
 * anything is written into it, so each change is announced.
 */
export function JobStatus({ job, storeName }: { job: JobFieldsFragment | null; storeName: string | null }) {
  const message = job ? describeJob(job) : null;
  return (
    <div class={`job-status${message ? ` job-${message.tone}` : ''}`} role="status">
      {job && message ? (
        <>
          <p class="job-target">
            {jobTarget(job)}
            {storeName ? ` · ${storeName}` : ''}
          </p>
          <p class="job-line">
            {message.tone === 'progress' ? <span class="spinner" aria-hidden="true" /> : null}
            {message.line}
          </p>
          {message.error ? <p class="job-error">{message.error}</p> : null}
          {message.warning ? (
            <p class="job-warning">
              <strong>Note: </strong>
              {message.warning}
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
