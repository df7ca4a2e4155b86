import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { StoreInfo } from '../app/context';
import { fakeClient, fakeLive, PLATFORMS, recoveryJob, renderWithApp, store, type Handler } from '../test/fakes';
import { RecoverySchedule } from './RecoverySchedule';

const shopify = PLATFORMS[0]!;
const found = recoveryJob({ fetched: 5, imported: 3, skipped: 2, skippedInTransactionList: 2 });

const receipt = {
  importJob: {
    id: 'j1',
    receipt: {
      totalCount: 1,
      pageInfo: { hasNextPage: false, endCursor: 'c1' },
      edges: [
        {
          node: {
            orderId: '1001',
            orderNumber: '#1001',
            placedAt: '2026-12-07T09:40:00.000Z',
            total: { amount: '25.00', currencyCode: 'USD' },
            outcome: 'IMPORTED',
            importedOrder: null,
            transaction: null,
          },
        },
      ],
    },
  },
};

function setup(extra: Partial<StoreInfo> = {}, handlers: Record<string, Handler> = {}) {
  const s1 = store('s1', shopify, { name: 'Main shop', ...extra });
  const announced: string[] = [];
  const api = fakeClient(handlers);
  const view = renderWithApp(<RecoverySchedule store={s1} announce={(m) => announced.push(m)} />, {
    client: api.client,
    live: fakeLive().live,
    stores: [s1],
  });
  const part = screen.getByRole('region', { name: 'Automatic recovery' });
  return { api, announced, part, ...view };
}

describe('RecoverySchedule', () => {
  it('shows the switch, the interval and how far back, and when the next check comes', () => {
    const { part } = setup();
    const toggle = within(part).getByRole('switch', { name: 'Check for missed orders automatically' }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    expect((within(part).getByLabelText('Check every') as HTMLSelectElement).value).toBe('900');
    expect((within(part).getByLabelText('Look back') as HTMLSelectElement).value).toBe('2');
    expect(within(part).getByText('Not run yet.')).toBeTruthy();
    expect(part.querySelector('dd time')!.getAttribute('datetime')).toBe('2026-12-07T10:12:31.000Z');
  });

  it('the last check: when it ran, what it found, and its receipt', async () => {
    const { part } = setup(
      { recovery: { ...store('x', shopify).recovery, lastRunAt: '2026-12-07T10:15:02.000Z', lastJob: found } },
      { ImportReceipt: () => receipt },
    );
    const last = within(part).getByText(/Found 3 orders that webhooks missed/);
    expect(last.textContent).toContain('Found 3 orders that webhooks missed (5 fetched), now pending.');
    expect(last.querySelector('time')!.getAttribute('datetime')).toBe('2026-12-07T10:15:02.000Z');
    expect(await within(part).findByText('Receipt: 1 order')).toBeTruthy();
  });

  it('turning it off saves at once and says so', async () => {
    const { api, announced, part, services } = setup({}, {
      SetStoreRecovery: () => ({
        setStoreRecovery: { store: { id: 's1', recovery: { ...store('x', shopify).recovery, enabled: false } }, userErrors: [] },
      }),
    });
    fireEvent.click(within(part).getByRole('switch', { name: 'Check for missed orders automatically' }));
    await waitFor(() => expect(announced).toEqual(['Automatic recovery of Main shop is off.']));
    expect(api.calls).toEqual([
      { name: 'SetStoreRecovery', variables: { store: 's1', enabled: false, intervalSeconds: 900, hours: 2 } },
    ]);
    expect(services.reloadStores).toHaveBeenCalled();
  });

  it('an interval the server refuses stays chosen, with the server’s message beside it', async () => {
    const message = 'intervalSeconds must be at least 600 (this server’s minimum) and at most 86400 (a day)';
    const { api, announced, part, services } = setup({}, {
      SetStoreRecovery: () => ({
        setStoreRecovery: { store: null, userErrors: [{ code: 'INVALID_INPUT', message, field: ['intervalSeconds'] }] },
      }),
    });
    const interval = within(part).getByLabelText('Check every') as HTMLSelectElement;
    fireEvent.change(interval, { target: { value: '300' } });
    await waitFor(() => expect(interval.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(interval.getAttribute('aria-describedby')!)!.textContent).toBe(message);
    expect(interval.value).toBe('300');
    expect(api.calls[0]!.variables).toEqual({ store: 's1', enabled: true, intervalSeconds: 300, hours: 2 });
    expect(announced).toEqual([]);
    expect(services.reloadStores).not.toHaveBeenCalled();
  });

  it('a failing store: why the check failed and that the next one waits longer', () => {
    const failed = recoveryJob({ ...found, status: 'FAILED', imported: 0, errorCode: 'PLATFORM_AUTH', error: null });
    const { part } = setup({
      recovery: { ...store('x', shopify).recovery, failures: 2, lastRunAt: '2026-12-07T10:15:02.000Z', lastJob: failed },
    });
    expect(within(part).getByText(/The check failed\./).textContent).toContain(
      'The platform refused the store’s credentials. Replace them on the Stores page. (PLATFORM_AUTH)',
    );
    expect(within(part).getByText(/Waiting longer after 2 failed checks:/)).toBeTruthy();
    expect(part.querySelector('.receipt')).toBeNull();
  });
});
