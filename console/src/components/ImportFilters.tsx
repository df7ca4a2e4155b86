import type { GroupedErrors } from '../lib/errors';
import { HOURS, MAX_ORDER_IDS, type ImportBy, type ImportFormValues } from '../lib/importForm';
import type { PlatformInfo, StoreInfo } from '../app/context';
import { describedBy, FieldError } from './FieldError';

interface ImportFiltersProps {
  platforms: PlatformInfo[];
  stores: StoreInfo[];
  values: ImportFormValues;
  errors: GroupedErrors;
  submitting: boolean;
  onChange: (values: ImportFormValues) => void;
  onSubmit: () => void;
  /** The same import as a dry run: its receipt, nothing imported. */
  onPreview: () => void;
}

/** Stores the seller can import from: connected ones (all, before the API says which). */
export function importableStores(stores: readonly StoreInfo[], platform: string): StoreInfo[] {
  return stores
    .filter((s) => s.platform.id === platform && s.connected !== false)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function ImportFilters({
  platforms,
  stores,
  values,
  errors,
  submitting,
  onChange,
  onSubmit,
  onPreview,
}: ImportFiltersProps) {
  const platform = platforms.find((p) => p.id === values.platform);
  const platformStores = platform ? importableStores(stores, platform.id) : [];
  const err = errors.byField;
  const set = (patch: Partial<ImportFormValues>) => onChange({ ...values, ...patch });

  const choosePlatform = (id: string) => {
    const next = platforms.find((p) => p.id === id);
    const own = next ? importableStores(stores, next.id) : [];
    let by: ImportBy = values.by;
    if (next && by === 'ORDER_ID' && !next.supportsOrderId && next.supportsTime) by = 'TIME';
    if (next && by === 'TIME' && !next.supportsTime && next.supportsOrderId) by = 'ORDER_ID';
    set({ platform: id, store: own.length === 1 && own[0] ? own[0].id : '', by });
  };

  return (
    <form
      class="import-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <div class="form-row">
        <div class="field">
          <label for="import-platform">Platform</label>
          <select
            id="import-platform"
            name="platform"
            required
            value={values.platform}
            aria-invalid={err.platform ? 'true' : undefined}
            aria-describedby={describedBy(err.platform && 'import-platform-error')}
            onChange={(e) => choosePlatform(e.currentTarget.value)}
          >
            <option value="">Choose a platform</option>
            {platforms.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <FieldError id="import-platform-error" messages={err.platform} />
        </div>

        <div class="field">
          <label for="import-store">Store</label>
          <select
            id="import-store"
            name="store"
            required
            disabled={!platform}
            value={values.store}
            aria-invalid={err.store ? 'true' : undefined}
            aria-describedby={describedBy(!platform && 'import-store-hint', err.store && 'import-store-error')}
            onChange={(e) => set({ store: e.currentTarget.value })}
          >
            <option value="">{platform && platformStores.length === 0 ? 'No stores on this platform' : 'Choose a store'}</option>
            {platformStores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          {!platform ? (
            <p id="import-store-hint" class="hint">
              Choose a platform first.
            </p>
          ) : null}
          <FieldError id="import-store-error" messages={err.store} />
        </div>
      </div>

      <fieldset class="radio-group">
        <legend>Import By</legend>
        <div class="radio-options">
          <label class="radio">
            <input
              type="radio"
              name="import-by"
              value="ORDER_ID"
              checked={values.by === 'ORDER_ID'}
              disabled={platform ? !platform.supportsOrderId : false}
              onChange={() => set({ by: 'ORDER_ID' })}
            />
            Order ID
          </label>
          <label class="radio">
            <input
              type="radio"
              name="import-by"
              value="TIME"
              checked={values.by === 'TIME'}
              disabled={platform ? !platform.supportsTime : false}
              onChange={() => set({ by: 'TIME' })}
            />
            Time
          </label>
        </div>
      </fieldset>

      {values.by === 'ORDER_ID' ? (
        <div class="field">
          <label for="import-order-id">Order IDs</label>
          <textarea
            id="import-order-id"
            name="orderId"
            rows={3}
            required
            autoComplete="off"
            spellcheck={false}
            value={values.orderId}
            placeholder={platform?.orderIdLabel}
            aria-invalid={err.orderId ? 'true' : undefined}
            aria-describedby={describedBy('import-order-id-hint', err.orderId && 'import-order-id-error')}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            onInput={(e) => set({ orderId: e.currentTarget.value })}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                if (!submitting) onSubmit();
              }
            }}
          />
          <p id="import-order-id-hint" class="hint">
            {platform?.orderIdLabel ?? 'The order number the seller sees, or the platform’s order ID'}. One order, or
            up to {MAX_ORDER_IDS}, one per line. Ctrl+Enter submits.
          </p>
          <FieldError id="import-order-id-error" messages={err.orderId} />
        </div>
      ) : (
        <fieldset
          class="radio-group"
          aria-describedby={describedBy('import-hours-hint', err.hours && 'import-hours-error')}
        >
          <legend>Time window</legend>
          <p id="import-hours-hint" class="hint">
            Orders placed in the last 1 to 6 hours.
          </p>
          <div class="radio-options hours">
            {HOURS.map((h) => (
              <label class="radio" key={h}>
                <input
                  type="radio"
                  name="import-hours"
                  value={String(h)}
                  checked={values.hours === h}
                  onChange={() => set({ hours: h })}
                />
                {h}h
              </label>
            ))}
          </div>
          <FieldError id="import-hours-error" messages={err.hours} />
        </fieldset>
      )}

      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={submitting}>
          Submit
        </button>
        <button
          type="button"
          class="button"
          disabled={submitting}
          aria-describedby="import-preview-hint"
          onClick={onPreview}
        >
          Preview
        </button>
        <span id="import-preview-hint" class="visually-hidden">
          Fetch and judge the orders as Submit would, and import nothing.
        </span>
        {submitting ? (
          <span class="hint" aria-hidden="true">
            Starting the import…
          </span>
        ) : null}
      </div>
      {errors.form.length > 0 ? (
        <div role="alert">
          <FieldError id="import-form-error" messages={errors.form} />
        </div>
      ) : null}
    </form>
  );
}
