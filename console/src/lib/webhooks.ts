// A store's order webhooks as its platform holds them, in a seller's words: each topic with a
// badge, a line that says what it means, and the register-by-hand notice when the app could not.

import type { Badge } from './payment';

/** One order webhook the platform holds for the store's webhookUrl, as the API sends it. */
export interface Registration {
  topic: string;
  active: boolean;
  checkedAt: string;
  problem: string | null;
}

/** What the part reads of a store. */
export interface RegisteredStore {
  platform: { name: string };
  webhookRegistrations: readonly Registration[];
  webhookRegistrationProblem: string | null;
}

export interface RegistrationLine {
  topic: string;
  badge: Badge;
  problem: string | null;
}

export interface WebhookRegistrations {
  /** The part's heading: "Webhooks at Shopify". */
  title: string;
  lines: RegistrationLine[];
  /** What the lines mean together; null when the notice says it all. */
  summary: string | null;
  /** Why the app could not register or check them, and to register the Webhook URL by hand. */
  notice: string | null;
  /** When the app last read them from the platform (the latest check); null when it holds none. */
  checkedAt: string | null;
}

const ACTIVE: Badge = { text: 'Active', tone: 'succeeded' };
const NOT_ACTIVE: Badge = { text: 'Not active', tone: 'failed' };

/** A server message as a sentence: capitalized, ending with a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  const capitalized = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized}.`;
}

/** The "Webhooks at ‹platform›" part of a store's article. */
export function webhookRegistrations(store: RegisteredStore): WebhookRegistrations {
  const platform = store.platform.name;
  const held = store.webhookRegistrations;
  const problem = store.webhookRegistrationProblem;
  const lines = held.map((r) => ({ topic: r.topic, badge: r.active ? ACTIVE : NOT_ACTIVE, problem: r.problem }));
  let summary: string | null = null;
  if (held.length > 0 && held.every((r) => r.active)) {
    summary = `Registered by this app: ${platform} sends the store's orders to its Webhook URL.`;
  } else if (held.length > 0) {
    summary =
      `${platform} is not sending every one of them. ` +
      "Entering the store's credentials again under Edit store registers them again.";
  } else if (!problem) {
    summary = `${platform} holds no order webhook for this Webhook URL.`;
  }
  const checked = held.map((r) => r.checkedAt).sort();
  return {
    title: `Webhooks at ${platform}`,
    lines,
    summary,
    notice: problem ? `${sentence(problem)} Copy the Webhook URL into ${platform}'s webhook settings by hand.` : null,
    checkedAt: checked.at(-1) ?? null,
  };
}
