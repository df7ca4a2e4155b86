import { describe, expect, it } from 'vitest';
import { sentence, webhookRegistrations, type RegisteredStore, type Registration } from './webhooks';

const registration = (extra: Partial<Registration> = {}): Registration => ({
  topic: 'orders/create',
  active: true,
  checkedAt: '2026-12-07T14:10:30.000Z',
  problem: null,
  ...extra,
});

const store = (extra: Partial<RegisteredStore> = {}): RegisteredStore => ({
  platform: { name: 'Shopify' },
  webhookRegistrations: [],
  webhookRegistrationProblem: null,
  ...extra,
});

describe('webhook registrations', () => {
  it('all active: each topic badged Active, registered by this app, checked at the latest check', () => {
    const part = webhookRegistrations(
      store({
        webhookRegistrations: [
          registration(),
          registration({ topic: 'orders/updated', checkedAt: '2026-12-07T14:12:00.000Z' }),
        ],
      }),
    );
    expect(part.title).toBe('Webhooks at Shopify');
    expect(part.lines).toEqual([
      { topic: 'orders/create', badge: { text: 'Active', tone: 'succeeded' }, problem: null },
      { topic: 'orders/updated', badge: { text: 'Active', tone: 'succeeded' }, problem: null },
    ]);
    expect(part.summary).toBe("Registered by this app: Shopify sends the store's orders to its Webhook URL.");
    expect(part.notice).toBeNull();
    expect(part.checkedAt).toBe('2026-12-07T14:12:00.000Z');
  });

  it('one disabled by the platform: Not active with its problem, and how to register it again', () => {
    const part = webhookRegistrations(
      store({
        webhookRegistrations: [registration({ active: false, problem: 'disabled after 19 failed deliveries' })],
      }),
    );
    expect(part.lines).toEqual([
      {
        topic: 'orders/create',
        badge: { text: 'Not active', tone: 'failed' },
        problem: 'disabled after 19 failed deliveries',
      },
    ]);
    expect(part.summary).not.toContain('Registered by this app');
    expect(part.summary).toContain('Edit store');
  });

  it('a platform without the API: the notice says to copy the Webhook URL by hand, and nothing else', () => {
    const part = webhookRegistrations(
      store({
        platform: { name: 'Ecwid' },
        webhookRegistrationProblem: 'Ecwid webhooks are set up in its own dashboard, not by this app',
      }),
    );
    expect(part.lines).toEqual([]);
    expect(part.summary).toBeNull();
    expect(part.checkedAt).toBeNull();
    expect(part.notice).toBe(
      "Ecwid webhooks are set up in its own dashboard, not by this app. Copy the Webhook URL into Ecwid's webhook settings by hand.",
    );
  });

  it('a refused registration keeps what the platform held before, beside the notice', () => {
    const part = webhookRegistrations(
      store({ webhookRegistrations: [registration()], webhookRegistrationProblem: 'the platform did not take it.' }),
    );
    expect(part.lines).toHaveLength(1);
    expect(part.notice).toMatch(/^The platform did not take it\. Copy the Webhook URL into Shopify's/);
  });

  it('none held and no problem: says so', () => {
    expect(webhookRegistrations(store()).summary).toBe('Shopify holds no order webhook for this Webhook URL.');
  });

  it('sentence capitalizes and ends a server message once', () => {
    expect(sentence('no public URL')).toBe('No public URL.');
    expect(sentence(' Refused. ')).toBe('Refused.');
  });
});
