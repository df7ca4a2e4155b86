import type { JobFieldsFragment } from '../gql/graphql';
import { useQuery } from '../app/hooks';
import { errorText } from '../lib/client';
import { humanizeEnum } from '../lib/format';
import { describeJob, jobTarget } from '../lib/importResult';
import { ImportJobsQuery } from '../operations';
import { Time } from './Time';

/** The store's latest imports, newest first. */
export function RecentImports({
  storeId,
  storeName,
  refreshKey,
  headingLevel = 3,
}: {
  storeId: string;
  storeName: string;
  refreshKey: number;
  headingLevel?: 2 | 3;
}) {
  const { data, error, loading } = useQuery(ImportJobsQuery, { store: storeId, first: 5 }, `${storeId}:${refreshKey}`);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const headingId = `recent-imports-${storeId}`;
  const jobs: JobFieldsFragment[] = data?.importJobs.edges.map((e) => e.node) ?? [];
  return (
    <section class="recent-imports" aria-labelledby={headingId}>
      <Heading id={headingId} class="subheading">
        Recent imports of {storeName}
      </Heading>
      {error ? (
        <p class="error-text">Recent imports could not be loaded: {errorText(error)}</p>
      ) : loading && !data ? (
        <p class="muted">Loading recent imports…</p>
      ) : jobs.length === 0 ? (
        <p class="muted">No imports yet.</p>
      ) : (
        <ul class="job-list">
          {jobs.map((job) => {
            const message = describeJob(job);
            return (
              <li key={job.id} class={`job-item job-${message.tone}`}>
                <span class="job-when">
                  <Time value={job.startedAt} />
                </span>
                <span class="job-what">{jobTarget(job)}</span>
                <span class={`badge badge-${job.status.toLowerCase()}`}>{humanizeEnum(job.status)}</span>
                <span class="job-result">
                  {message.line}
                  {message.error ? ` ${message.error}` : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
