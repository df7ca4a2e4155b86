import { changeBadge, type PlatformChange } from '../lib/changes';
import { plural } from '../lib/format';
import { actorWords } from '../lib/history';
import { Time } from './Time';

export interface ListedChange extends PlatformChange {
  detectedAt: string;
  source: string;
  summary: string;
}

/**
 * What the platform changed about a Transaction List row's order after it was accepted: a badge from the latest
 * change, and every change, oldest first, in a disclosure: when it was seen, what changed, and how it was seen.
 */
export function PlatformChanges({
  changes,
  orderNumber,
  platforms,
}: {
  changes: readonly ListedChange[];
  orderNumber: string;
  platforms: readonly { id: string; name: string }[];
}) {
  const badge = changeBadge(changes);
  if (!badge) return null;
  return (
    <div class="platform-changes">
      <span class={`badge badge-${badge.tone}`}>{badge.text}</span>
      <details class="changes">
        <summary>
          {plural(changes.length, 'change')} after accept
          <span class="visually-hidden"> to {orderNumber}</span>
        </summary>
        <ol class="history">
          {changes.map((change, index) => (
            <li key={index}>
              <Time value={change.detectedAt} /> <span class="history-what">{change.summary}</span>{' '}
              <span class="sub">seen by {actorWords(change.source, platforms)}</span>
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}
