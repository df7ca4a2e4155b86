import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { describe, expect, it } from 'vitest';
import { AppContext, type StoreInfo } from '../app/context';
import type { GraphQLClient } from '../lib/client';
import { StoresQuery } from '../operations';
import { fakeClient, fakeLive, PLATFORMS, renderWithApp, store, type Handler } from '../test/fakes';
import { StoresPage } from './Stores';

const shopify = PLATFORMS[0]!;
const s1 = store('s1', shopify, { name: 'Main shop' });

function setup(handlers: Record<string, Handler> = {}) {
  const api = fakeClient({
    ImportJobs: () => ({ importJobs: { totalCount: 0, edges: [] } }),
    PendingCount: () => ({ pendingImports: { totalCount: 3 } }),
    ...handlers,
  });
  const view = renderWithApp(<StoresPage />, { client: api.client, live: fakeLive().live, stores: [s1] });
  return { api, ...view };
}

/** The Stores page with the app's store list: reloadStores asks the client again, as the app does. */
function StoresWithReload({ client, initial }: { client: GraphQLClient; initial: StoreInfo[] }) {
  const [stores, setStores] = useState(initial);
  const services = {
    client,
    live: fakeLive().live,
    platforms: PLATFORMS,
    stores,
    reloadStores: async () => setStores((await client.request(StoresQuery, {})).stores),
    signOut: () => {},
  };
  return (
    <AppContext.Provider value={services}>
      <StoresPage />
    </AppContext.Provider>
  );
}

const orderWebhook = { topic: 'orders/create', active: true, checkedAt: '2026-12-07T14:10:30.000Z', problem: null };

describe('Stores', () => {
  it('shows each store with its platform, state and webhook URL', () => {
    setup();
    const card = screen.getByRole('article', { name: 'Main shop' });
    expect(within(card).getByText('Shopify')).toBeTruthy();
    expect(within(card).getByText('Connected')).toBeTruthy();
    expect((within(card).getByLabelText('Webhook URL') as HTMLInputElement).value).toBe(
      'https://orders.example.com/webhooks/shopify/s1',
    );
    expect(within(card).getByRole('button', { name: 'Copy' })).toBeTruthy();
  });

  it('Webhooks at ‹platform›: each topic with its badge, beside the Webhook URL', () => {
    renderWithApp(<StoresPage />, {
      client: fakeClient({ ImportJobs: () => ({ importJobs: { totalCount: 0, edges: [] } }) }).client,
      live: fakeLive().live,
      stores: [
        store('s1', shopify, {
          name: 'Main shop',
          webhookRegistrations: [
            orderWebhook,
            { ...orderWebhook, topic: 'orders/updated', active: false, problem: 'disabled after failed deliveries' },
          ],
        }),
      ],
    });
    const part = within(screen.getByRole('article', { name: 'Main shop' })).getByRole('group', {
      name: 'Webhooks at Shopify',
    });
    const items = within(part).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      'orders/create Active',
      'orders/updated Not active disabled after failed deliveries',
    ]);
    expect(within(items[0]!).getByText('Active').className).toBe('badge badge-succeeded');
    expect(within(items[1]!).getByText('Not active').className).toBe('badge badge-failed');
    expect(part.textContent).not.toContain('Registered by this app');
    expect(part.textContent).toContain('Edit store');
    expect(part.querySelector('time')!.getAttribute('datetime')).toBe('2026-12-07T14:10:30.000Z');
    expect(part.querySelector('.notice')).toBeNull();
  });

  it('a store the app could not register: the notice says to copy the Webhook URL by hand', () => {
    renderWithApp(<StoresPage />, {
      client: fakeClient({ ImportJobs: () => ({ importJobs: { totalCount: 0, edges: [] } }) }).client,
      live: fakeLive().live,
      stores: [
        store('p1', PLATFORMS[1]!, {
          name: 'Payments',
          webhookRegistrationProblem: 'the server has no public URL (ORDER_IMPORT_PUBLIC_URL) to register',
        }),
      ],
    });
    const part = screen.getByRole('group', { name: 'Webhooks at PayPal' });
    expect(within(part).queryAllByRole('listitem')).toEqual([]);
    expect(part.querySelector('.notice')!.textContent).toBe(
      "The server has no public URL (ORDER_IMPORT_PUBLIC_URL) to register. Copy the Webhook URL into PayPal's webhook settings by hand.",
    );
  });

  it('after Connect a store, the new store shows the webhooks the app registered', async () => {
    const added = store('s2', shopify, { name: 'New shop', webhookRegistrations: [orderWebhook] });
    const api = fakeClient({
      ImportJobs: () => ({ importJobs: { totalCount: 0, edges: [] } }),
      ConnectStore: () => ({ connectStore: { store: { id: 's2', name: 'New shop' }, userErrors: [] } }),
      Stores: () => ({ stores: [s1, added] }),
    });
    render(<StoresWithReload client={api.client} initial={[s1]} />);
    const form = screen.getByRole('region', { name: 'Connect a store' });
    fireEvent.change(within(form).getByLabelText('Platform'), { target: { value: 'shopify' } });
    fireEvent.input(within(form).getByLabelText('Store name'), { target: { value: 'New shop' } });
    fireEvent.input(within(form).getByLabelText('Shop domain'), { target: { value: 'new.myshopify.com' } });
    fireEvent.input(within(form).getByLabelText('Admin API access token'), { target: { value: 'shpat_x' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Connect store' }));
    const card = await screen.findByRole('article', { name: 'New shop' });
    const part = within(card).getByRole('group', { name: 'Webhooks at Shopify' });
    expect(within(part).getByRole('listitem').textContent).toBe('orders/create Active');
    expect(part.textContent).toContain("Registered by this app: Shopify sends the store's orders to its Webhook URL.");
  });

  it('Connect a store: fields from the platform’s credentialFields, secrets as passwords, errors next to them', async () => {
    const { api } = setup({
      ConnectStore: () => ({
        connectStore: {
          store: null,
          userErrors: [
            { code: 'INVALID_INPUT', message: 'not a shop domain', field: ['credentials', 'shop_domain'] },
            { code: 'INVALID_INPUT', message: 'apiBaseUrl must use https://', field: ['apiBaseUrl'] },
          ],
        },
      }),
    });
    const form = screen.getByRole('region', { name: 'Connect a store' });
    fireEvent.change(within(form).getByLabelText('Platform'), { target: { value: 'shopify' } });
    const domain = within(form).getByLabelText('Shop domain') as HTMLInputElement;
    const token = within(form).getByLabelText('Admin API access token') as HTMLInputElement;
    expect(domain.type).toBe('text');
    expect(domain.required).toBe(true);
    expect(token.type).toBe('password');
    fireEvent.input(within(form).getByLabelText('Store name'), { target: { value: 'New shop' } });
    fireEvent.input(domain, { target: { value: 'bad domain' } });
    fireEvent.input(token, { target: { value: 'shpat_x' } });
    const base = within(form).getByLabelText('API base URL');
    fireEvent.input(base, { target: { value: 'http://localhost:1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Connect store' }));
    await waitFor(() => expect(domain.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(domain.getAttribute('aria-describedby')!)!.textContent).toBe('not a shop domain');
    expect(base.getAttribute('aria-invalid')).toBe('true');
    expect(base.getAttribute('aria-describedby')).toContain('connect-api-base-url-error');
    expect(api.calls.find((c) => c.name === 'ConnectStore')!.variables).toEqual({
      platform: 'shopify',
      name: 'New shop',
      credentials: { shop_domain: 'bad domain', access_token: 'shpat_x' },
      apiBaseUrl: 'http://localhost:1',
    });
  });

  it('Disconnect asks first, saying what happens to the pending orders', async () => {
    const { api, services } = setup({
      DisconnectStore: () => ({ disconnectStore: { store: { id: 's1', connected: false }, userErrors: [] } }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    const dialog = document.querySelector('dialog')!;
    await waitFor(() =>
      expect(dialog.textContent).toContain(
        'Its transactions stay in the Transaction List; its 3 pending orders will be canceled.',
      ),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(document.querySelector('dialog')).toBeNull());
    expect(api.calls.find((c) => c.name === 'DisconnectStore')!.variables).toEqual({ id: 's1' });
    expect(services.reloadStores).toHaveBeenCalled();
  });

  it('Edit store renames it, sending only what changed', async () => {
    const { api } = setup({
      UpdateStore: () => ({ updateStore: { store: { id: 's1', name: 'Renamed' }, userErrors: [] } }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Edit store' }));
    const form = screen.getByRole('form', { name: 'Edit Main shop' });
    fireEvent.input(within(form).getByLabelText('Store name'), { target: { value: 'Renamed' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(api.calls.some((c) => c.name === 'UpdateStore')).toBe(true));
    expect(api.calls.find((c) => c.name === 'UpdateStore')!.variables).toEqual({ id: 's1', name: 'Renamed' });
  });
});
