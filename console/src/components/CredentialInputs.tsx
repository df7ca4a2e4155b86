import type { GroupedErrors } from '../lib/errors';
import { domId } from '../lib/errors';
import { credentialKey, type CredentialFieldInfo } from '../lib/storeForm';
import { describedBy, FieldError } from './FieldError';

/**
 * One input per credential field of the platform: labelled with the field's
 * label, a password input for a secret (never filled from the server), required
 * where the platform requires it.
 */
export function CredentialInputs({
  idPrefix,
  fields,
  values,
  errors,
  optionalAll = false,
  onChange,
}: {
  idPrefix: string;
  fields: readonly CredentialFieldInfo[];
  values: Record<string, string>;
  errors: GroupedErrors;
  /** Replacing credentials: nothing is required until something is typed. */
  optionalAll?: boolean;
  onChange: (values: Record<string, string>) => void;
}) {
  return (
    <>
      {fields.map((field) => {
        const key = credentialKey(field.name);
        const id = domId(idPrefix, field.name);
        const errorId = `${id}-error`;
        const hintId = `${id}-hint`;
        const messages = errors.byField[key];
        const hint = field.required ? null : 'Optional.';
        return (
          <div class="field" key={field.name}>
            <label for={id}>{field.label}</label>
            {hint ? (
              <p id={hintId} class="hint">
                {hint}
              </p>
            ) : null}
            <input
              id={id}
              name={key}
              type={field.secret ? 'password' : 'text'}
              autoComplete={field.secret ? 'new-password' : 'off'}
              spellcheck={false}
              required={field.required && !optionalAll}
              value={values[field.name] ?? ''}
              aria-invalid={messages ? 'true' : undefined}
              aria-describedby={describedBy(hint && hintId, messages && errorId)}
              onInput={(e) => onChange({ ...values, [field.name]: e.currentTarget.value })}
            />
            <FieldError id={errorId} messages={messages} />
          </div>
        );
      })}
    </>
  );
}
