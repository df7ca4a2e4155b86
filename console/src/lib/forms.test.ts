import { describe, expect, it } from 'vitest';
import {
  firstInvalidField,
  hasErrors,
  importVariables,
  parseOrderIds,
  validateImportForm,
  type ImportFormValues,
} from './importForm';
import {
  credentialsPayload,
  disconnectMessage,
  storeFormFields,
  updateVariables,
  validateConnect,
  validateUpdate,
  type CredentialFieldInfo,
} from './storeForm';

const values = (v: Partial<ImportFormValues>): ImportFormValues => ({
  platform: 'shopify',
  store: 's1',
  by: 'ORDER_ID',
  orderId: '#1001',
  hours: 1,
  ...v,
});

describe('Import Filters', () => {
  it('needs a platform, a store and an order id', () => {
    const errors = validateImportForm(values({ platform: '', store: '', orderId: '   ' }));
    expect(errors.byField).toEqual({
      platform: ['Choose a platform.'],
      store: ['Choose a store.'],
      orderId: ['Enter an order ID.'],
    });
    expect(firstInvalidField(errors)).toBe('platform');
    expect(validateImportForm(values({ orderId: 'x'.repeat(256) })).byField.orderId).toEqual([
      'An order ID is at most 255 characters.',
    ]);
    expect(hasErrors(validateImportForm(values({})))).toBe(false);
  });

  it('needs 1h to 6h', () => {
    expect(validateImportForm(values({ by: 'TIME', hours: 7 })).byField.hours).toEqual(['Choose 1h to 6h.']);
    expect(hasErrors(validateImportForm(values({ by: 'TIME', hours: 6, orderId: '' })))).toBe(false);
  });

  it('sends exactly one of orderId, orderIds and hours; a preview adds dryRun', () => {
    expect(importVariables(values({ orderId: '  #1001 ' }))).toEqual({ platform: 'shopify', store: 's1', orderId: '#1001' });
    expect(importVariables(values({ orderId: '#1001\n#1002' }))).toEqual({
      platform: 'shopify',
      store: 's1',
      orderIds: ['#1001', '#1002'],
    });
    expect(importVariables(values({ by: 'TIME', hours: 3 }))).toEqual({ platform: 'shopify', store: 's1', hours: 3 });
    expect(importVariables(values({ by: 'TIME', hours: 3 }), true)).toEqual({
      platform: 'shopify',
      store: 's1',
      hours: 3,
      dryRun: true,
    });
  });

  it('reads a list of ids: one a line, or apart by commas or spaces; blanks ignored; each once', () => {
    expect(parseOrderIds('#1001\n#1002\r\n\n  #1003  \n')).toEqual(['#1001', '#1002', '#1003']);
    expect(parseOrderIds('4181, 4182,4183 4184\t4185')).toEqual(['4181', '4182', '4183', '4184', '4185']);
    expect(parseOrderIds('#1002\n#1001\n#1002')).toEqual(['#1002', '#1001']);
    expect(parseOrderIds(' \n , \n')).toEqual([]);
  });

  it('takes 1 to 100 ids, each at most 255 characters', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `#${i}`).join('\n');
    expect(hasErrors(validateImportForm(values({ orderId: ids(100) })))).toBe(false);
    expect(validateImportForm(values({ orderId: `${ids(100)}\n#0\n#1` })).byField).toEqual({});
    expect(validateImportForm(values({ orderId: ids(101) })).byField.orderId).toEqual([
      'Import at most 100 order IDs at a time; this list has 101.',
    ]);
    expect(validateImportForm(values({ orderId: '\n,\n' })).byField.orderId).toEqual(['Enter an order ID.']);
    expect(validateImportForm(values({ orderId: `#1\n${'x'.repeat(256)}` })).byField.orderId).toEqual([
      'An order ID is at most 255 characters; “xxxxxxxxxxxx…” has 256.',
    ]);
  });
});

const fields: CredentialFieldInfo[] = [
  { name: 'shop_domain', label: 'Shop domain', secret: false, required: true },
  { name: 'access_token', label: 'Admin API access token', secret: true, required: true },
  { name: 'webhook_secret', label: 'Webhook secret', secret: true, required: false },
];

describe('Connect a store', () => {
  it('needs a platform, a name and every required credential', () => {
    const errors = validateConnect({ platform: '', name: ' ', credentials: { shop_domain: 'x' }, apiBaseUrl: '' }, fields);
    expect(errors.byField).toEqual({
      platform: ['Choose a platform.'],
      name: ['Enter a store name.'],
      'credentials.access_token': ['Enter the admin API access token.'],
    });
  });

  it('sends only the credentials filled in; secrets as typed', () => {
    expect(credentialsPayload(fields, { shop_domain: ' shop.myshopify.com ', access_token: ' tok ', webhook_secret: '' })).toEqual({
      shop_domain: 'shop.myshopify.com',
      access_token: ' tok ',
    });
  });

  it('knows the fields userErrors may name', () => {
    expect(storeFormFields(fields)).toEqual([
      'platform',
      'name',
      'credentials',
      'credentials.shop_domain',
      'credentials.access_token',
      'credentials.webhook_secret',
      'apiBaseUrl',
    ]);
  });
});

describe('Edit a store', () => {
  const store = { id: 'st1', name: 'Main', apiBaseUrl: 'https://sandbox.example.com' };

  it('sends only what changed', () => {
    expect(updateVariables(store, { name: 'Main', credentials: {}, apiBaseUrl: 'https://sandbox.example.com' }, fields)).toBeNull();
    expect(updateVariables(store, { name: ' Renamed ', credentials: {}, apiBaseUrl: 'https://sandbox.example.com' }, fields)).toEqual({
      id: 'st1',
      name: 'Renamed',
    });
    expect(updateVariables(store, { name: 'Main', credentials: { access_token: 'new' }, apiBaseUrl: '' }, fields)).toEqual({
      id: 'st1',
      credentials: { access_token: 'new' },
      apiBaseUrl: null,
    });
  });

  it('needs every required credential once one is typed', () => {
    expect(validateUpdate({ name: 'Main', credentials: {} }, fields).byField).toEqual({});
    expect(validateUpdate({ name: 'Main', credentials: { access_token: 'new' } }, fields).byField).toEqual({
      'credentials.shop_domain': ['Needed when replacing the credentials.'],
    });
  });

  it('says what disconnecting does', () => {
    expect(disconnectMessage(3)).toBe(
      'Its transactions stay in the Transaction List; its 3 pending orders will be canceled.',
    );
    expect(disconnectMessage(1)).toBe('Its transactions stay in the Transaction List; its 1 pending order will be canceled.');
  });
});
