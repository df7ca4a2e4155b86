/** The messages of one field, referenced by the field's aria-describedby. */
export function FieldError({ id, messages }: { id: string; messages: readonly string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <p id={id} class="field-error">
      <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="16" height="16">
        <circle cx="8" cy="8" r="7" fill="currentColor" />
        <path d="M8 4v5M8 11v1" stroke="#fff" stroke-width="2" stroke-linecap="round" />
      </svg>
      <span>{messages.join(' ')}</span>
    </p>
  );
}

/** The ids that describe a field: its hint (if any) and its error (when it has one). */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const list = ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
  return list.length > 0 ? list.join(' ') : undefined;
}
