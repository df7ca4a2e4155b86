// Connect a store / replace its credentials: fields generated from the platform's credentialFields.

import type { GroupedErrors } from './errors';

export interface CredentialFieldInfo {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
}

export interface StoreFormValues {
  platform: string;
  name: string;
  credentials: Record<string, string>;
  apiBaseUrl: string;
}

export const MAX_STORE_NAME = 200;

/** The key of a credential field in userErrors and in the form: "credentials.<name>". */
export function credentialKey(name: string): string {
  return `credentials.${name}`;
}

export function storeFormFields(fields: readonly CredentialFieldInfo[]): string[] {
  return ['platform', 'name', 'credentials', ...fields.map((f) => credentialKey(f.name)), 'apiBaseUrl'];
}

/** Only the fields filled in; secrets are sent as typed, others trimmed. */
export function credentialsPayload(
  fields: readonly CredentialFieldInfo[],
  values: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? '';
    const value = field.secret ? raw : raw.trim();
    if (value.trim() !== '') out[field.name] = value;
  }
  return out;
}

/** Checks before connecting: a platform, a name, every required credential. */
export function validateConnect(values: StoreFormValues, fields: readonly CredentialFieldInfo[]): GroupedErrors {
  const byField: Record<string, string[]> = {};
  if (!values.platform) byField.platform = ['Choose a platform.'];
  const name = values.name.trim();
  if (!name) byField.name = ['Enter a store name.'];
  else if (name.length > MAX_STORE_NAME) byField.name = [`A store name is at most ${MAX_STORE_NAME} characters.`];
  for (const field of fields) {
    if (field.required && !(values.credentials[field.name] ?? '').trim()) {
      byField[credentialKey(field.name)] = [`Enter the ${field.label.charAt(0).toLowerCase()}${field.label.slice(1)}.`];
    }
  }
  return { byField, form: [] };
}

/**
 * Checks before updating a store: credentials are replaced whole, so once any is
 * typed, every required one is needed; none typed leaves them as they are.
 */
export function validateUpdate(
  values: Pick<StoreFormValues, 'name' | 'credentials'>,
  fields: readonly CredentialFieldInfo[],
): GroupedErrors {
  const byField: Record<string, string[]> = {};
  const name = values.name.trim();
  if (!name) byField.name = ['Enter a store name.'];
  else if (name.length > MAX_STORE_NAME) byField.name = [`A store name is at most ${MAX_STORE_NAME} characters.`];
  const typed = Object.keys(credentialsPayload(fields, values.credentials)).length > 0;
  if (typed) {
    for (const field of fields) {
      if (field.required && !(values.credentials[field.name] ?? '').trim()) {
        byField[credentialKey(field.name)] = ['Needed when replacing the credentials.'];
      }
    }
  }
  return { byField, form: [] };
}

/** The disconnect confirmation: "Its transactions stay in the Transaction List; its 3 pending orders will be canceled." */
export function disconnectMessage(pending: number): string {
  return `Its transactions stay in the Transaction List; its ${pending} pending ${pending === 1 ? 'order' : 'orders'} will be canceled.`;
}

export interface UpdateStoreVariables {
  id: string;
  name?: string;
  credentials?: Record<string, string>;
  apiBaseUrl?: string | null;
}

/**
 * updateStore changes only the arguments given, so only what the seller changed is
 * sent: a new name, credentials typed (replaced whole), and the API base URL (an
 * emptied one is sent as null: back to the platform's own API). Null when nothing changed.
 */
export function updateVariables(
  store: { id: string; name: string; apiBaseUrl?: string | null },
  values: { name: string; credentials: Record<string, string>; apiBaseUrl: string },
  fields: readonly CredentialFieldInfo[],
): UpdateStoreVariables | null {
  const variables: UpdateStoreVariables = { id: store.id };
  const name = values.name.trim();
  if (name !== store.name) variables.name = name;
  const typed = credentialsPayload(fields, values.credentials);
  if (Object.keys(typed).length > 0) variables.credentials = typed;
  const base = values.apiBaseUrl.trim();
  if (base !== (store.apiBaseUrl ?? '')) variables.apiBaseUrl = base === '' ? null : base;
  return Object.keys(variables).length > 1 ? variables : null;
}
