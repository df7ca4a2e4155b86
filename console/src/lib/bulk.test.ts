import { describe, expect, it } from 'vitest';
import { allState, keepListed, leaves, MAX_SELECTED, outcomeOf, selectAll, summary, toggle } from './bulk';

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(from + i));
const error = (code: string) => ({ code, message: code.toLowerCase() });
const result = (id: string, ...codes: string[]) => ({ id, userErrors: codes.map(error) });

describe('selection', () => {
  it('selects and unselects one row', () => {
    const one = toggle(new Set(), 'a', true);
    expect([...one.ids]).toEqual(['a']);
    expect(one.limited).toBe(false);
    expect([...toggle(one.ids, 'a', false).ids]).toEqual([]);
  });

  it(`selects no more than ${MAX_SELECTED}, and says so`, () => {
    const full = new Set(ids(MAX_SELECTED));
    const more = toggle(full, 'extra', true);
    expect(more.limited).toBe(true);
    expect(more.ids.size).toBe(MAX_SELECTED);
    expect(more.ids.has('extra')).toBe(false);
    // A row already selected is no attempt to go beyond it.
    expect(toggle(full, '0', true).limited).toBe(false);
  });

  it('Select all on this page selects the listed rows in order up to the limit, and unselects all', () => {
    expect([...selectAll(new Set(['b']), ['a', 'b', 'c'], true).ids].sort()).toEqual(['a', 'b', 'c']);
    const many = selectAll(new Set(), ids(120), true);
    expect(many.limited).toBe(true);
    expect([...many.ids]).toEqual(ids(MAX_SELECTED));
    expect(selectAll(new Set(['a']), ['a', 'b'], false).ids.size).toBe(0);
  });

  it('the state of Select all: all, some or none of the listed rows (all once the limit is reached)', () => {
    expect(allState(new Set(), ['a', 'b'])).toBe('none');
    expect(allState(new Set(['a']), ['a', 'b'])).toBe('some');
    expect(allState(new Set(['a', 'b']), ['a', 'b'])).toBe('all');
    expect(allState(new Set(ids(MAX_SELECTED)), ids(150))).toBe('all');
  });

  it('rows that left the list are unselected; the same set when none left', () => {
    const selected = new Set(['a', 'b', 'c']);
    expect([...keepListed(selected, ['a', 'c', 'd'])]).toEqual(['a', 'c']);
    expect(keepListed(selected, ['c', 'b', 'a'])).toBe(selected);
  });
});

describe('bulk results', () => {
  it('names the outcome of each id, and which leave the list', () => {
    expect(outcomeOf(result('1'))).toBe('decided');
    expect(outcomeOf(result('1', 'ALREADY_DECIDED'))).toBe('alreadyDecided');
    expect(outcomeOf(result('1', 'NOT_FOUND'))).toBe('notFound');
    expect(outcomeOf(result('1', 'PAYMENT_NOT_CAPTURED', 'TEST_ORDER'))).toBe('held');
    expect(outcomeOf(result('1', 'ORDER_CHANGED'))).toBe('changed');
    expect(outcomeOf(result('1', 'PLATFORM_UNAVAILABLE'))).toBe('refused');
    expect(outcomeOf(result('1', 'INVALID_INPUT'))).toBe('refused');
    expect(['decided', 'alreadyDecided', 'notFound'].every((o) => leaves(o as never))).toBe(true);
    expect(['held', 'changed', 'refused'].some((o) => leaves(o as never))).toBe(false);
  });

  it('says what happened in one line, the held last with their reasons', () => {
    const results = [
      ...ids(12).map((id) => result(id)),
      result('p', 'PAYMENT_NOT_CAPTURED'),
      result('t', 'TEST_ORDER'),
    ];
    expect(summary(results, 'accepted')).toBe('12 accepted, 2 held: 1 payment not captured, 1 test order');
    expect(
      summary(
        [
          result('1'),
          result('2', 'ALREADY_DECIDED'),
          result('3', 'NOT_FOUND'),
          result('4', 'ORDER_CHANGED'),
          result('5', 'PLATFORM_UNAVAILABLE'),
          result('6', 'PAYMENT_NOT_CAPTURED', 'TEST_ORDER'),
          result('7', 'PAYMENT_NOT_CAPTURED'),
        ],
        'accepted',
      ),
    ).toBe(
      '1 accepted, 1 already decided, 1 no longer found, 1 changed on the platform, 1 not decided (see the rows), ' +
        '2 held: 2 payment not captured',
    );
    expect(summary([result('1'), result('2')], 'canceled')).toBe('2 canceled');
    expect(summary([result('1', 'ALREADY_DECIDED')], 'accepted anyway')).toBe('0 accepted anyway, 1 already decided');
  });
});
