import { actorWords, ACTIONS, detailWords, type HistoryEntry } from '../lib/history';
import { Time } from './Time';

/** An order's history, oldest first: when, what, who, and the particulars that matter. */
export function History({
  entries,
  platforms,
}: {
  entries: readonly HistoryEntry[];
  platforms: readonly { id: string; name: string }[];
}) {
  return (
    <>
      <h3 id="history-title" class="subheading">
        History
      </h3>
      {entries.length === 0 ? (
        <p class="muted">Nothing recorded yet.</p>
      ) : (
        <ol class="history" aria-labelledby="history-title">
          {entries.map((entry) => {
            const detail = detailWords(entry);
            return (
              <li key={entry.id}>
                <Time value={entry.at} />{' '}
                <span class="history-what">
                  <strong>{ACTIONS[entry.action]}</strong> by {actorWords(entry.actor, platforms)}
                </span>
                {detail ? (
                  <>
                    {' '}
                    <span class="sub">{detail}</span>
                  </>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}
