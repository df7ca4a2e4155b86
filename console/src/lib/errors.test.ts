import { describe, expect, it } from 'vitest';
import { domId, fieldKey, groupUserErrors, jobErrorText, userErrorMessage } from './errors';

describe('userErrors onto fields', () => {
  const fields = ['platform', 'name', 'credentials', 'credentials.shop_domain', 'credentials.access_token', 'apiBaseUrl'];

  it('joins field paths', () => {
    expect(fieldKey(['credentials', 'shop_domain'])).toBe('credentials.shop_domain');
    expect(fieldKey(['apiBaseUrl'])).toBe('apiBaseUrl');
    expect(fieldKey(null)).toBe('');
    expect(fieldKey([])).toBe('');
  });

  it('puts each error next to the field it names, in both shapes', () => {
    const grouped = groupUserErrors(
      [
        { code: 'INVALID_INPUT', message: 'not a shop domain', field: ['credentials', 'shop_domain'] },
        { code: 'INVALID_INPUT', message: 'must use https://', field: ['apiBaseUrl'] },
        { code: 'DUPLICATE_STORE', message: 'already have one', field: ['name'] },
      ],
      fields,
    );
    expect(grouped.byField).toEqual({
      'credentials.shop_domain': ['not a shop domain'],
      apiBaseUrl: ['must use https://'],
      name: ['already have one'],
    });
    expect(grouped.form).toEqual([]);
  });

  it('falls back to the longest known prefix, then to the form', () => {
    const grouped = groupUserErrors(
      [
        { code: 'INVALID_INPUT', message: 'deep', field: ['credentials', 'unknown_field'] },
        { code: 'INVALID_INPUT', message: 'nowhere', field: ['other'] },
        { code: 'ERROR', message: 'no field', field: null },
      ],
      fields,
    );
    expect(grouped.byField).toEqual({ credentials: ['deep'] });
    expect(grouped.form).toEqual(['nowhere', 'no field']);
  });

  it('maps aliases', () => {
    const grouped = groupUserErrors([{ code: 'STORE_NOT_FOUND', message: 'no store', field: ['id'] }], ['store'], {
      id: 'store',
    });
    expect(grouped.byField).toEqual({ store: ['no store'] });
  });

  it('words known codes', () => {
    expect(userErrorMessage({ code: 'ALREADY_DECIDED', message: 'this order was accepted or canceled already' })).toBe(
      'This order was already decided',
    );
    expect(userErrorMessage({ code: 'INVALID_INPUT', message: 'as the server says' })).toBe('as the server says');
  });

  it('makes element ids of field keys', () => {
    expect(domId('connect', 'credentials.shop_domain')).toBe('connect-credentials-shop_domain');
  });
});

describe('jobErrorText', () => {
  it('words the code and keeps the server text and the code', () => {
    expect(jobErrorText('PLATFORM_AUTH', '401 from Shopify')).toBe(
      'The platform refused the store’s credentials. Replace them on the Stores page. 401 from Shopify (PLATFORM_AUTH)',
    );
    expect(jobErrorText('SOMETHING_NEW', 'what happened')).toBe('what happened (SOMETHING_NEW)');
    expect(jobErrorText(null, null)).toBe('The import failed.');
  });
});
