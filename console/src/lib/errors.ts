// userErrors (expected failures the seller can fix) mapped onto the form fields they name.

export interface UserErrorValue {
  code: string;
  message: string;
  field?: readonly string[] | null;
}

/** Words for the userError codes a seller meets; anything else shows the server's message. */
const CODE_MESSAGES: Record<string, string> = {
  ALREADY_DECIDED: 'This order was already decided',
  RATE_LIMITED: 'Too many imports for this store just now. Wait a minute and try again.',
  PAYMENT_NOT_CAPTURED: 'The payment of this order is not captured, so it is not accepted.',
  TEST_ORDER: 'This is a test order, so it is not accepted.',
  ORDER_CHANGED: 'The platform canceled or refunded this order since it was imported.',
};

export function userErrorMessage(error: UserErrorValue): string {
  return CODE_MESSAGES[error.code] ?? error.message;
}

/**
 * The form field a userError belongs to: its `field` path joined with dots
 * (["credentials", "shop_domain"] → "credentials.shop_domain", ["apiBaseUrl"] →
 * "apiBaseUrl"); "" when it names none.
 */
export function fieldKey(field: readonly string[] | null | undefined): string {
  if (!field || field.length === 0) return '';
  return field.join('.');
}

export interface GroupedErrors {
  /** Messages by field key, for fields the form shows. */
  byField: Record<string, string[]>;
  /** Messages for the whole form: no field, or a field the form does not show. */
  form: string[];
}

/**
 * Sort userErrors onto the fields of a form. A path is matched exactly, or by
 * its longest prefix that is a field (["credentials", "x", "y"] → "credentials.x"),
 * or by an alias (e.g. the API's "id" for the store select).
 */
export function groupUserErrors(
  errors: readonly UserErrorValue[],
  fields: readonly string[],
  aliases: Record<string, string> = {},
): GroupedErrors {
  const known = new Set(fields);
  const out: GroupedErrors = { byField: {}, form: [] };
  for (const error of errors) {
    const message = userErrorMessage(error);
    const path = error.field ?? [];
    let key = '';
    for (let n = path.length; n > 0 && !key; n--) {
      const candidate = path.slice(0, n).join('.');
      const aliased = aliases[candidate] ?? candidate;
      if (known.has(aliased)) key = aliased;
    }
    if (key) (out.byField[key] ??= []).push(message);
    else out.form.push(message);
  }
  return out;
}

/** An id for an element, from a field key: "credentials.shop_domain" → "credentials-shop_domain". */
export function domId(...parts: string[]): string {
  return parts
    .join('-')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Words for the errorCode of a FAILED import job. */
const JOB_ERRORS: Record<string, string> = {
  ORDER_NOT_FOUND: 'The platform has no order with that id.',
  PLATFORM_AUTH: 'The platform refused the store’s credentials. Replace them on the Stores page.',
  PLATFORM_UNAVAILABLE: 'The platform kept answering with errors or “too many requests”. Try again later.',
  PLATFORM_BAD_RESPONSE: 'The platform sent an answer that could not be read.',
  INTERRUPTED: 'The import was interrupted. Run it again to complete it; nothing is imported twice.',
  STORE_DISCONNECTED: 'This store is disconnected.',
};

export function jobErrorText(errorCode: string | null | undefined, error: string | null | undefined): string {
  const words = errorCode ? JOB_ERRORS[errorCode] : undefined;
  const parts: string[] = [];
  if (words) parts.push(words);
  if (error && error !== words) parts.push(error);
  if (parts.length === 0) parts.push('The import failed.');
  let text = parts.join(' ');
  if (errorCode) text += ` (${errorCode})`;
  return text;
}
