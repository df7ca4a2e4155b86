import { useRef, useState } from 'preact/hooks';
import { sortPlatforms, useApp, type StoreInfo } from '../app/context';
import { CredentialInputs } from '../components/CredentialInputs';
import { Dialog } from '../components/Dialog';
import { describedBy, FieldError } from '../components/FieldError';
import { PageHeading } from '../components/PageHeading';
import { RecentImports } from '../components/RecentImports';
import { RecoverySchedule } from '../components/RecoverySchedule';
import { Time } from '../components/Time';
import { WebhookRegistrations } from '../components/WebhookRegistrations';
import { errorText } from '../lib/client';
import { groupUserErrors, type GroupedErrors } from '../lib/errors';
import { formatDuration, formatRelative } from '../lib/format';
import { hasErrors } from '../lib/importForm';
import {
  credentialsPayload,
  disconnectMessage,
  storeFormFields,
  updateVariables,
  validateConnect,
  validateUpdate,
  type StoreFormValues,
} from '../lib/storeForm';
import { ConnectStoreMutation, DisconnectStoreMutation, PendingCountQuery, UpdateStoreMutation } from '../operations';

const NO_ERRORS: GroupedErrors = { byField: {}, form: [] };

function focusFirstError(form: HTMLElement | null) {
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

export function StoresPage() {
  const { stores } = useApp();
  const [announcement, setAnnouncement] = useState('');
  const sorted = [...stores].sort(
    (a, b) => a.platform.name.localeCompare(b.platform.name) || a.name.localeCompare(b.name),
  );
  return (
    <div class="page">
      <PageHeading title="Stores" />
      <p class="lead">Your stores, their webhooks, their automatic recovery and their recent imports.</p>
      <p class="announcement" role="status">
        {announcement}
      </p>
      {sorted.length === 0 ? (
        <p class="empty">No stores yet. Connect one below.</p>
      ) : (
        <ul class="store-list">
          {sorted.map((store) => (
            <li key={store.id}>
              <StoreCard store={store} announce={setAnnouncement} />
            </li>
          ))}
        </ul>
      )}
      <ConnectStoreForm announce={setAnnouncement} />
    </div>
  );
}

function WebhookHealth({ store }: { store: StoreInfo }) {
  const health = store.webhookHealth;
  return (
    <div class={`health ${health.quiet ? 'health-quiet' : 'health-ok'}`}>
      {health.quiet ? (
        <p class="health-line">
          <strong>Quiet: </strong>
          {health.message ?? 'No orders received by webhook for a long time — import missing orders.'}
        </p>
      ) : (
        <p class="health-line">
          {health.lastDeliveryAt ? (
            <>
              Last webhook {formatRelative(health.lastDeliveryAt)} (
              <Time value={health.lastDeliveryAt} />)
              {health.usualGapSeconds ? `; usually every ${formatDuration(health.usualGapSeconds)}` : ''}.
            </>
          ) : (
            'No webhook received yet.'
          )}
        </p>
      )}
      {health.lastRejectedAt ? (
        <p class="health-line">
          Last rejected delivery: <Time value={health.lastRejectedAt} />
          {health.lastRejectedReason ? ` (${health.lastRejectedReason})` : ''}.
        </p>
      ) : null}
    </div>
  );
}

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back to selecting the text
  }
  if (input) {
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
  return false;
}

function StoreCard({ store, announce }: { store: StoreInfo; announce: (message: string) => void }) {
  const headingId = `store-${store.id}`;
  const urlId = `webhook-url-${store.id}`;
  const urlInput = useRef<HTMLInputElement>(null);
  const [editing, setEditing] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);
  const connected = store.connected !== false;
  const editButton = useRef<HTMLButtonElement>(null);

  return (
    <article class="store-card panel" aria-labelledby={headingId}>
      <header class="store-header">
        <h2 id={headingId} class="section-title">
          {store.name}
        </h2>
        <span class={`badge ${connected ? 'badge-succeeded' : 'badge-muted'}`}>
          {connected ? 'Connected' : 'Disconnected'}
        </span>
      </header>
      <dl class="details">
        <div>
          <dt>Platform</dt>
          <dd>{store.platform.name}</dd>
        </div>
        <div>
          <dt>Connected since</dt>
          <dd>
            <Time value={store.createdAt} />
          </dd>
        </div>
        {store.apiBaseUrl ? (
          <div>
            <dt>API base URL</dt>
            <dd class="mono break">{store.apiBaseUrl}</dd>
          </div>
        ) : null}
      </dl>

      <div class="field webhook-field">
        <label for={urlId}>Webhook URL</label>
        <div class="input-with-button">
          <input
            ref={urlInput}
            id={urlId}
            type="text"
            readOnly
            value={store.webhookUrl}
            class="mono"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button
            type="button"
            class="button"
            aria-describedby={urlId}
            onClick={async () => {
              const ok = await copyText(store.webhookUrl, urlInput.current);
              announce(
                ok
                  ? `Webhook URL of ${store.name} copied.`
                  : `Copy did not work here: the webhook URL of ${store.name} is selected, press Ctrl+C to copy it.`,
              );
            }}
          >
            Copy
          </button>
        </div>
      </div>
      <WebhookRegistrations store={store} id={`webhooks-${store.id}`} />

      <h3 class="subheading">Webhook health</h3>
      <WebhookHealth store={store} />

      {connected ? <RecoverySchedule store={store} announce={announce} /> : null}

      <RecentImports storeId={store.id} storeName={store.name} refreshKey={0} />

      {connected ? (
        <div class="store-actions">
          <button
            ref={editButton}
            type="button"
            class="button"
            aria-expanded={editing ? 'true' : 'false'}
            aria-controls={editing ? `edit-${store.id}` : undefined}
            aria-describedby={headingId}
            onClick={() => setEditing((v) => !v)}
          >
            Edit store
          </button>
          <button
            type="button"
            class="button button-danger"
            aria-describedby={headingId}
            onClick={() => setDisconnecting(true)}
          >
            Disconnect
          </button>
        </div>
      ) : null}
      {editing ? (
        <EditStoreForm
          store={store}
          announce={announce}
          onDone={() => {
            setEditing(false);
            editButton.current?.focus();
          }}
        />
      ) : null}
      {disconnecting ? (
        <DisconnectDialog store={store} announce={announce} onClose={() => setDisconnecting(false)} />
      ) : null}
    </article>
  );
}

function EditStoreForm({
  store,
  announce,
  onDone,
}: {
  store: StoreInfo;
  announce: (message: string) => void;
  onDone: () => void;
}) {
  const { client, platforms, reloadStores } = useApp();
  const fields = platforms.find((p) => p.id === store.platform.id)?.credentialFields ?? [];
  const [name, setName] = useState(store.name);
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [apiBaseUrl, setApiBaseUrl] = useState(store.apiBaseUrl ?? '');
  const [errors, setErrors] = useState<GroupedErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const prefix = `edit-${store.id}`;

  async function save(event: Event) {
    event.preventDefault();
    const local = validateUpdate({ name, credentials }, fields);
    if (hasErrors(local)) {
      setErrors(local);
      setTimeout(() => focusFirstError(form.current), 0);
      return;
    }
    const variables = updateVariables(store, { name, credentials, apiBaseUrl }, fields);
    if (!variables) {
      onDone();
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const result = await client.request(UpdateStoreMutation, variables);
      const userErrors = result.updateStore.userErrors;
      if (userErrors.length > 0) {
        setErrors(groupUserErrors(userErrors, storeFormFields(fields), { id: 'name' }));
        setTimeout(() => focusFirstError(form.current), 0);
      } else {
        await reloadStores().catch(() => undefined);
        announce(`${result.updateStore.store?.name ?? store.name} saved.`);
        onDone();
      }
    } catch (error) {
      setErrors({ byField: {}, form: [errorText(error)] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id={prefix} ref={form} class="edit-store" noValidate onSubmit={save} aria-labelledby={`${prefix}-title`}>
      <h3 id={`${prefix}-title`} class="subheading">
        Edit {store.name}
      </h3>
      <div class="field">
        <label for={`${prefix}-name`}>Store name</label>
        <input
          id={`${prefix}-name`}
          type="text"
          required
          value={name}
          aria-invalid={errors.byField.name ? 'true' : undefined}
          aria-describedby={describedBy(errors.byField.name && `${prefix}-name-error`)}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <FieldError id={`${prefix}-name-error`} messages={errors.byField.name} />
      </div>
      <fieldset class="group">
        <legend>Replace credentials</legend>
        <p class="hint">Leave empty to keep the current credentials. Once you type one, all required ones are needed.</p>
        <FieldError id={`${prefix}-credentials-error`} messages={errors.byField.credentials} />
        <CredentialInputs
          idPrefix={prefix}
          fields={fields}
          values={credentials}
          errors={errors}
          optionalAll
          onChange={setCredentials}
        />
      </fieldset>
      <ApiBaseUrlField id={`${prefix}-api-base-url`} value={apiBaseUrl} errors={errors} onChange={setApiBaseUrl} />
      {errors.form.length > 0 ? (
        <div role="alert">
          <FieldError id={`${prefix}-form-error`} messages={errors.form} />
        </div>
      ) : null}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          Save changes
        </button>
        <button type="button" class="button" onClick={onDone}>
          Discard changes
        </button>
      </div>
    </form>
  );
}

function ApiBaseUrlField({
  id,
  value,
  errors,
  onChange,
}: {
  id: string;
  value: string;
  errors: GroupedErrors;
  onChange: (value: string) => void;
}) {
  const messages = errors.byField.apiBaseUrl;
  return (
    <div class="field">
      <label for={id}>API base URL</label>
      <p id={`${id}-hint`} class="hint">
        Optional: a sandbox, a self-hosted shop or an emulator, e.g. https://sandbox.example.com.
      </p>
      <input
        id={id}
        type="url"
        inputMode="url"
        autoComplete="off"
        spellcheck={false}
        value={value}
        aria-invalid={messages ? 'true' : undefined}
        aria-describedby={describedBy(`${id}-hint`, messages && `${id}-error`)}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
      <FieldError id={`${id}-error`} messages={messages} />
    </div>
  );
}

function DisconnectDialog({
  store,
  announce,
  onClose,
}: {
  store: StoreInfo;
  announce: (message: string) => void;
  onClose: () => void;
}) {
  const { client, reloadStores } = useApp();
  const [pending, setPending] = useState<number | null>(null);
  const [countError, setCountError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const started = useRef(false);

  if (!started.current) {
    started.current = true;
    client.request(PendingCountQuery, { store: store.id }).then(
      (result) => setPending(result.pendingImports.totalCount),
      (error: unknown) => setCountError(errorText(error)),
    );
  }

  async function confirm() {
    setBusy(true);
    setErrors([]);
    try {
      const result = await client.request(DisconnectStoreMutation, { id: store.id });
      const userErrors = result.disconnectStore.userErrors;
      if (userErrors.length > 0) {
        setErrors(groupUserErrors(userErrors, []).form);
        setBusy(false);
        return;
      }
      await reloadStores().catch(() => undefined);
      announce(`${store.name} disconnected.`);
      onClose();
    } catch (error) {
      setErrors([errorText(error)]);
      setBusy(false);
    }
  }

  const titleId = `disconnect-title-${store.id}`;
  const textId = `disconnect-text-${store.id}`;
  return (
    <Dialog labelledBy={titleId} describedBy={textId} onClose={onClose}>
      <div class="dialog-body">
        <h2 id={titleId} class="dialog-title">
          Disconnect {store.name}?
        </h2>
        <p id={textId}>
          {pending !== null
            ? disconnectMessage(pending)
            : countError
              ? `Its transactions stay in the Transaction List; its pending orders will be canceled. (${countError})`
              : 'Counting its pending orders…'}
        </p>
        <p class="hint">Nothing more is imported for it, and its webhooks are no longer accepted.</p>
        {errors.length > 0 ? (
          <div role="alert">
            <FieldError id={`disconnect-error-${store.id}`} messages={errors} />
          </div>
        ) : null}
        <div class="dialog-actions">
          <button type="button" class="button" data-autofocus onClick={onClose}>
            Keep connected
          </button>
          <button
            type="button"
            class="button button-danger"
            disabled={busy || (pending === null && !countError)}
            onClick={() => void confirm()}
          >
            Disconnect
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function ConnectStoreForm({ announce }: { announce: (message: string) => void }) {
  const { client, platforms, reloadStores } = useApp();
  const sorted = sortPlatforms(platforms);
  const empty: StoreFormValues = { platform: '', name: '', credentials: {}, apiBaseUrl: '' };
  const [values, setValues] = useState<StoreFormValues>(empty);
  const [errors, setErrors] = useState<GroupedErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const platform = platforms.find((p) => p.id === values.platform);
  const fields = platform?.credentialFields ?? [];

  async function submit(event: Event) {
    event.preventDefault();
    const local = validateConnect(values, fields);
    if (hasErrors(local)) {
      setErrors(local);
      setTimeout(() => focusFirstError(form.current), 0);
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const result = await client.request(ConnectStoreMutation, {
        platform: values.platform,
        name: values.name.trim(),
        credentials: credentialsPayload(fields, values.credentials),
        apiBaseUrl: values.apiBaseUrl.trim() || null,
      });
      const userErrors = result.connectStore.userErrors;
      if (userErrors.length > 0) {
        setErrors(groupUserErrors(userErrors, storeFormFields(fields)));
        setTimeout(() => focusFirstError(form.current), 0);
      } else {
        await reloadStores().catch(() => undefined);
        announce(`${result.connectStore.store?.name ?? values.name.trim()} connected.`);
        setValues(empty);
      }
    } catch (error) {
      setErrors({ byField: {}, form: [errorText(error)] });
    } finally {
      setBusy(false);
    }
  }

  const err = errors.byField;
  return (
    <section class="panel" aria-labelledby="connect-heading">
      <h2 id="connect-heading" class="section-title">
        Connect a store
      </h2>
      <form ref={form} class="connect-form" noValidate onSubmit={submit}>
        <div class="field">
          <label for="connect-platform">Platform</label>
          <select
            id="connect-platform"
            required
            value={values.platform}
            aria-invalid={err.platform ? 'true' : undefined}
            aria-describedby={describedBy(err.platform && 'connect-platform-error')}
            onChange={(e) => {
              setValues({ ...values, platform: e.currentTarget.value, credentials: {} });
              setErrors(NO_ERRORS);
            }}
          >
            <option value="">Choose a platform</option>
            {sorted.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <FieldError id="connect-platform-error" messages={err.platform} />
        </div>
        <div class="field">
          <label for="connect-name">Store name</label>
          <input
            id="connect-name"
            type="text"
            required
            autoComplete="off"
            value={values.name}
            aria-invalid={err.name ? 'true' : undefined}
            aria-describedby={describedBy(err.name && 'connect-name-error')}
            onInput={(e) => setValues({ ...values, name: e.currentTarget.value })}
          />
          <FieldError id="connect-name-error" messages={err.name} />
        </div>
        {platform ? (
          <fieldset class="group">
            <legend>{platform.name} credentials</legend>
            <FieldError id="connect-credentials-error" messages={err.credentials} />
            <CredentialInputs
              idPrefix="connect"
              fields={fields}
              values={values.credentials}
              errors={errors}
              onChange={(credentials) => setValues({ ...values, credentials })}
            />
          </fieldset>
        ) : (
          <p class="hint">Choose a platform to see the credentials it needs.</p>
        )}
        <ApiBaseUrlField
          id="connect-api-base-url"
          value={values.apiBaseUrl}
          errors={errors}
          onChange={(apiBaseUrl) => setValues({ ...values, apiBaseUrl })}
        />
        {errors.form.length > 0 ? (
          <div role="alert">
            <FieldError id="connect-form-error" messages={errors.form} />
          </div>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy}>
            Connect store
          </button>
        </div>
      </form>
    </section>
  );
}

