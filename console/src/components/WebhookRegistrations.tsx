import { webhookRegistrations, type RegisteredStore } from '../lib/webhooks';
import { Time } from './Time';

/**
 * "Webhooks at ‹platform›": the order webhooks the platform holds for the store's Webhook URL, each
 * topic with its badge, or the notice to register the URL by hand when the app could not.
 */
export function WebhookRegistrations({ store, id }: { store: RegisteredStore; id: string }) {
  const part = webhookRegistrations(store);
  const titleId = `${id}-title`;
  return (
    <div class="webhook-registrations" role="group" aria-labelledby={titleId}>
      <h3 id={titleId} class="subheading">
        {part.title}
      </h3>
      {part.notice ? <p class="notice">{part.notice}</p> : null}
      {part.lines.length > 0 ? (
        <ul class="registration-list">
          {part.lines.map((line) => (
            <li key={line.topic}>
              <span class="mono">{line.topic}</span>{' '}
              <span class={`badge badge-${line.badge.tone}`}>{line.badge.text}</span>
              {line.problem ? <span class="registration-problem"> {line.problem}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {part.summary ? (
        <p class="hint">
          {part.summary}
          {part.checkedAt ? (
            <>
              {' '}
              Last checked <Time value={part.checkedAt} />.
            </>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
