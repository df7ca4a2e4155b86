import { useEffect, useState } from 'preact/hooks';
import { useApp, type StoreInfo } from '../app/context';
import { errorText } from '../lib/client';
import { groupUserErrors, type GroupedErrors } from '../lib/errors';
import { plural } from '../lib/format';
import { intervalLabel, intervalOptions, lastRun, LOOK_BACK_HOURS, nextRunNote, type Recovery } from '../lib/recovery';
import { SetStoreRecoveryMutation } from '../operations';
import { describedBy, FieldError } from './FieldError';
import { Receipt } from './Receipt';
import { Time } from './Time';

interface Setting {
  enabled: boolean;
  intervalSeconds: number;
  hours: number;
}

const NO_ERRORS: GroupedErrors = { byField: {}, form: [] };
const FIELDS = ['enabled', 'intervalSeconds', 'hours'];

function settingOf(recovery: Recovery): Setting {
  return { enabled: recovery.enabled, intervalSeconds: recovery.intervalSeconds, hours: recovery.hours };
}

/**
 * "Automatic recovery" of a store: whether and how often it is checked for orders its webhooks missed,
 * what the last check found (with its receipt when it found some) and when the next one comes. Each
 * change is saved at once; a choice the server refuses stays shown, with the server's message beside it.
 */
export function RecoverySchedule({ store, announce }: { store: StoreInfo; announce: (message: string) => void }) {
  const { client, reloadStores } = useApp();
  const recovery = store.recovery;
  const [draft, setDraft] = useState<Setting>(() => settingOf(recovery));
  const [errors, setErrors] = useState<GroupedErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const saved = settingOf(recovery);
  useEffect(() => setDraft(saved), [saved.enabled, saved.intervalSeconds, saved.hours]);

  async function save(change: Partial<Setting>) {
    const next = { ...draft, ...change };
    setDraft(next);
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const result = await client.request(SetStoreRecoveryMutation, { store: store.id, ...next });
      const userErrors = result.setStoreRecovery.userErrors;
      if (userErrors.length > 0) {
        setErrors(groupUserErrors(userErrors, FIELDS));
        return;
      }
      announce(
        next.enabled
          ? `Automatic recovery of ${store.name}: every ${intervalLabel(next.intervalSeconds)}, the last ${plural(next.hours, 'hour')}.`
          : `Automatic recovery of ${store.name} is off.`,
      );
      await reloadStores().catch(() => undefined);
    } catch (error) {
      setErrors({ byField: {}, form: [errorText(error)] });
    } finally {
      setBusy(false);
    }
  }

  const prefix = `recovery-${store.id}`;
  const run = lastRun(recovery);
  const note = nextRunNote(recovery);
  const err = errors.byField;
  return (
    <section class="recovery" aria-labelledby={`${prefix}-title`}>
      <h3 id={`${prefix}-title`} class="subheading">
        Automatic recovery
      </h3>
      <p class="hint">Checks {store.name} for orders its webhooks missed and adds them to the pending list.</p>
      <div class="field switch-field">
        <label>
          <input
            type="checkbox"
            role="switch"
            checked={draft.enabled}
            disabled={busy}
            aria-invalid={err.enabled ? 'true' : undefined}
            aria-describedby={describedBy(err.enabled && `${prefix}-enabled-error`)}
            onChange={(e) => void save({ enabled: e.currentTarget.checked })}
          />{' '}
          Check for missed orders automatically
        </label>
        <FieldError id={`${prefix}-enabled-error`} messages={err.enabled} />
      </div>
      <div class="form-row">
        <div class="field">
          <label for={`${prefix}-interval`}>Check every</label>
          <select
            id={`${prefix}-interval`}
            value={String(draft.intervalSeconds)}
            disabled={busy}
            aria-invalid={err.intervalSeconds ? 'true' : undefined}
            aria-describedby={describedBy(err.intervalSeconds && `${prefix}-interval-error`)}
            onChange={(e) => void save({ intervalSeconds: Number(e.currentTarget.value) })}
          >
            {intervalOptions(draft.intervalSeconds).map((option) => (
              <option key={option.value} value={String(option.value)}>
                {option.label}
              </option>
            ))}
          </select>
          <FieldError id={`${prefix}-interval-error`} messages={err.intervalSeconds} />
        </div>
        <div class="field">
          <label for={`${prefix}-hours`}>Look back</label>
          <select
            id={`${prefix}-hours`}
            value={String(draft.hours)}
            disabled={busy}
            aria-invalid={err.hours ? 'true' : undefined}
            aria-describedby={describedBy(err.hours && `${prefix}-hours-error`)}
            onChange={(e) => void save({ hours: Number(e.currentTarget.value) })}
          >
            {LOOK_BACK_HOURS.map((hours) => (
              <option key={hours} value={String(hours)}>
                {`Last ${plural(hours, 'hour')}`}
              </option>
            ))}
          </select>
          <FieldError id={`${prefix}-hours-error`} messages={err.hours} />
        </div>
      </div>
      {errors.form.length > 0 ? (
        <div role="alert">
          <FieldError id={`${prefix}-form-error`} messages={errors.form} />
        </div>
      ) : null}
      <dl class="details recovery-runs">
        <div>
          <dt>Last check</dt>
          <dd class={run ? `recovery-${run.tone}` : undefined}>
            {run ? (
              <>
                {recovery.lastRunAt ? (
                  <>
                    <Time value={recovery.lastRunAt} />:{' '}
                  </>
                ) : null}
                {run.line}
                {run.error ? <span class="error-text"> {run.error}</span> : null}
              </>
            ) : (
              'Not run yet.'
            )}
          </dd>
        </div>
        <div>
          <dt>Next check</dt>
          <dd>
            {note ? `${note} ` : null}
            {recovery.enabled ? <Time value={recovery.nextRunAt} /> : null}
          </dd>
        </div>
      </dl>
      {recovery.lastJob && recovery.lastJob.status !== 'RUNNING' && recovery.lastJob.imported > 0 ? (
        <Receipt key={recovery.lastJob.id} job={recovery.lastJob} />
      ) : null}
    </section>
  );
}
